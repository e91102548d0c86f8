-- name: slow_database_state :one
-- The health check's query, taking a second, to run into statement_timeout.
-- returns: read_only boolean
SELECT false AS read_only FROM pg_sleep(1);
