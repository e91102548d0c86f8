-- Drops what 0003_idempotency_keys created.

DROP TABLE IF EXISTS idempotency_keys;
