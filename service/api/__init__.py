"""HTTP: one module of handlers per resource, and the plumbing they share (http/, openapi/)."""
