"""Live feeds: one LISTEN connection per process, its hub, and a chat followed by a client."""
