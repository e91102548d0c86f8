-- name: sweep_user_followers :many
-- Presence upkeep, every few seconds in each process: this listener's user records are seen
-- now, and records nobody has refreshed for 15 s (their process died) are dropped.
-- $1 listener_pid integer: this process's LISTEN connection
-- returns: user_id, one row per record dropped (that user may be offline now)
WITH refreshed AS (
    UPDATE user_followers
    SET seen_at = clock_timestamp()
    WHERE listener_pid = $1::integer
)

DELETE FROM user_followers
WHERE seen_at < clock_timestamp() - interval '15 seconds'
RETURNING user_id;
