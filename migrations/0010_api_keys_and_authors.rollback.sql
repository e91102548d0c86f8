-- Drops the API keys and the message authors of 0010.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

ALTER TABLE messages DROP COLUMN IF EXISTS author;
DROP TABLE IF EXISTS api_keys;
