"""The OpenAPI 3.1 document: what handlers declare about themselves, and its builder."""
