-- name: current_snapshot :scalar
-- Where a user feed without a cursor starts: the transactions visible now count as delivered.
-- returns: pg_snapshot as text (xmin:xmax:xip,...)
SELECT pg_current_snapshot()::text AS snapshot;
