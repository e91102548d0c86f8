-- name: list_log_changes :one
-- What the event log gained since a snapshot, for a process on the Redis bus to wake the feeds
-- it concerns (service/live/log_tail.py): each chat with events for its members, each user
-- with events addressed to that user, and each removal from a chat (its member's feeds of
-- that chat end). Read by transaction visibility, as user feeds read (migration 0016), so an
-- event is in exactly one answer whatever the commit order; the xid index reads only the
-- transactions since the snapshot.
-- $1 since text: the snapshot of the previous answer (pg_snapshot text)
-- returns: target (the snapshot read up to, as text) and changes, a JSON array of
--   {chat_id, user_id, left} as text: user_id null for a chat's members; left true for a
--   chat_left of that user in that chat
WITH snap AS (
    SELECT pg_current_snapshot() AS target
),
changed AS (
    SELECT DISTINCT
        CASE WHEN e.user_id IS NULL OR e.event = 'chat_left' THEN e.chat_id END AS chat_id,
        e.user_id,
        e.event = 'chat_left' AS left_chat
    FROM event_log AS e
    CROSS JOIN snap
    WHERE e.xid >= pg_snapshot_xmin($1::text::pg_snapshot)
      AND NOT pg_visible_in_snapshot(e.xid, $1::text::pg_snapshot)
      AND pg_visible_in_snapshot(e.xid, snap.target)
)
SELECT
    snap.target::text AS target,
    coalesce(
        (
            SELECT json_agg(
                json_build_object('chat_id', c.chat_id, 'user_id', c.user_id, 'left', c.left_chat)
            )
            FROM changed AS c
        ),
        '[]'::json
    )::text AS changes
FROM snap;
