-- name: list_log_changes :one
-- What the event log gained since a snapshot, for a process on the Redis bus to wake the feeds
-- it concerns (service/live/log_tail.py): each event for a chat's members, in position order
-- (each chat's commit order), with the message itself for a new message (a chat feed takes it
-- as it is, like one announced on the PostgreSQL bus); and each user with events addressed to
-- that user, with each removal from a chat (that member's feeds of the chat end). Read by
-- transaction visibility, as user feeds read (migration 0016), so an event is in exactly one
-- answer whatever the commit order; the xid index reads only the transactions since the
-- snapshot.
-- $1 since text: the snapshot of the previous answer (pg_snapshot text)
-- returns: target (the snapshot read up to, as text); chats, a JSON array of {chat_id,
--   message} as text, message null but for a message that still exists (is_read by the
--   chat's shared position, as sql/messages/get_message.sql with no viewer); users, a JSON
--   array of {chat_id, user_id, left} as text, chat_id set only with left (a chat_left)
WITH snap AS (
    SELECT pg_current_snapshot() AS target
),
logged AS (
    SELECT e.position, e.chat_id, e.user_id, e.event, e.message_id
    FROM event_log AS e
    CROSS JOIN snap
    -- Both bounds, though visibility implies the upper one: with a range the generic plan
    -- reads the xid index (list_user_events.sql says more).
    WHERE e.xid >= pg_snapshot_xmin($1::text::pg_snapshot)
      AND e.xid < pg_snapshot_xmax(pg_current_snapshot())
      AND NOT pg_visible_in_snapshot(e.xid, $1::text::pg_snapshot)
      AND pg_visible_in_snapshot(e.xid, snap.target)
),
users AS (
    SELECT DISTINCT
        CASE WHEN l.event = 'chat_left' THEN l.chat_id END AS chat_id,
        l.user_id,
        l.event = 'chat_left' AS left_chat
    FROM logged AS l
    WHERE l.user_id IS NOT NULL
)
SELECT
    snap.target::text AS target,
    coalesce(
        (
            SELECT json_agg(
                json_build_object(
                    'chat_id', l.chat_id,
                    'message', CASE WHEN l.event = 'message' AND m.id IS NOT NULL THEN
                        message_json(m.*, c.last_read_id, NULL)
                    END
                )
                ORDER BY l.position
            )
            FROM logged AS l
            LEFT JOIN messages AS m ON l.event = 'message' AND l.message_id = m.id
            LEFT JOIN chats AS c ON m.chat_id = c.id
            WHERE l.user_id IS NULL
        ),
        '[]'::json
    )::text AS chats,
    coalesce(
        (
            SELECT json_agg(
                json_build_object('chat_id', u.chat_id, 'user_id', u.user_id, 'left', u.left_chat)
            )
            FROM users AS u
        ),
        '[]'::json
    )::text AS users
FROM snap;
