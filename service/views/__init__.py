"""HTTP handlers: parse the request, call the store, shape the answer. No SQL here."""
