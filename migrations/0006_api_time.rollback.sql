-- Drops what 0006_api_time created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP FUNCTION IF EXISTS api_time(timestamptz);
