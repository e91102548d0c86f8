-- name: terminate_listeners :scalar
-- Cuts every LISTEN connection of the service processes (as a restart of the bus would).
-- returns: how many were cut
SELECT count(pg_terminate_backend(a.pid))
FROM pg_stat_activity AS a
WHERE a.datname = current_database()
  AND a.pid <> pg_backend_pid()
  -- Each listener's last statement: sql/events/listener_pid.sql, after its LISTENs.
  AND a.query LIKE '%name: listener_pid%';
