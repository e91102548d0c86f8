-- name: listener_pid :scalar
-- The real backend pid of the LISTEN connection, asked of the server itself: a pooler
-- (PgBouncer) reports made-up pids to clients, which another process would then take for a
-- dead listener's and forget its follows.
-- returns: pid integer
SELECT pg_backend_pid() AS pid;
