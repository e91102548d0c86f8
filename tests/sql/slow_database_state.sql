-- name: slow_database_state :one
-- The health check's query, taking five seconds, to run into statement_timeout (far longer
-- than any timeout the tests set, so that a slow machine cannot blur the two).
-- returns: read_only boolean
SELECT false AS read_only FROM pg_sleep(5);
