"""The database layer: pools, fair turns, replicas, consistency, URLs, statements, migrations."""
