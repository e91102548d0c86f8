-- name: slow_ping :scalar
-- A ping that takes a second, to run into statement_timeout.
-- returns: 1
SELECT 1 FROM pg_sleep(1);
