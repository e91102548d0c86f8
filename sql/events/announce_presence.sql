-- name: announce_presence :exec
-- A user came online or went offline: every process hears it (channel presence_events,
-- payload "<1 or 0>:<user_id>") and tells the user's co-members' feeds.
-- $1 user_id text
-- $2 online boolean
-- returns: nothing
SELECT pg_notify(
    'presence_events', CASE WHEN $2::boolean THEN '1' ELSE '0' END || ':' || $1::text
);
