-- name: terminate_backend :scalar
-- Ends one server process, as a network cut or a server restart would for its client.
-- $1 pid integer
-- returns: true when the process was signalled
SELECT pg_terminate_backend($1::integer);
