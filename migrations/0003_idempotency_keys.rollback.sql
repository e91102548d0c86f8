-- Drops what 0003_idempotency_keys created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TABLE IF EXISTS idempotency_keys;
