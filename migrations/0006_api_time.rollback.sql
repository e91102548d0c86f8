-- Drops what 0006_api_time created.

DROP FUNCTION IF EXISTS api_time(timestamptz);
