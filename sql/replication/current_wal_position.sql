-- name: current_wal_position :scalar
-- The primary's current WAL write position, taken right after a write commits: a replica
-- that has replayed up to it shows that write (read-your-writes).
-- returns: position bigint (bytes since 0/0)
SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS position;
