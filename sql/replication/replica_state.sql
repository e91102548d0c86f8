-- name: replica_state :one
-- How far a read replica has got: the WAL position it has replayed, and its lag in seconds
-- (0 when it has replayed everything it received, else the age of the last transaction it
-- replayed). A server that is not in recovery (a promoted replica) counts as caught up.
-- returns: in_recovery boolean, replayed bigint (bytes since 0/0), lag_seconds double precision
SELECT
    pg_is_in_recovery() AS in_recovery,
    (CASE
        WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
        ELSE pg_current_wal_lsn()
    END - '0/0'::pg_lsn)::bigint AS replayed,
    CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE coalesce(extract(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'infinity')
    END::double precision AS lag_seconds;
