-- name: queue_events :scalar
-- Queues, for each webhook locked by lock_webhooks.sql, the chat-wide events of the log that
-- its cursor had not seen and this statement's snapshot does (see migration 0016), in
-- position order (each chat's commit order), then moves its cursor to this snapshot. A cursor
-- that queued nothing moves at most once a second: rows and WAL are not spent on idle polls,
-- and the next read still starts at most a second back.
-- $1 webhook_ids bigint[]
-- returns: how many deliveries were queued
WITH hooks AS (
    SELECT w.id, w.events, w.chat_id, w.cursor, w.cursor_moved_at
    FROM webhooks AS w
    WHERE w.id = any($1::bigint [])
),

snap AS (
    SELECT pg_current_snapshot() AS now
),

fresh AS (
    SELECT
        h.id AS webhook_id, e.position, e.chat_id, e.event, e.message_id, e.data, e.created_at
    FROM hooks AS h
    CROSS JOIN snap
    JOIN event_log AS e
        ON e.xid >= pg_snapshot_xmin(h.cursor)
        AND e.xid < pg_snapshot_xmax(snap.now)
        AND NOT pg_visible_in_snapshot(e.xid, h.cursor)
        AND pg_visible_in_snapshot(e.xid, snap.now)
    WHERE
        e.user_id IS NULL
        AND (h.chat_id IS NULL OR e.chat_id = h.chat_id)
        AND ('*' = any(h.events) OR e.event = any(h.events))
),

queued AS (
    INSERT INTO webhook_deliveries (webhook_id, chat_id, event_id, event, body)
    SELECT
        f.webhook_id,
        f.chat_id,
        'evt_' || f.position AS event_id,
        f.event,
        json_build_object(
            'type', f.event,
            'timestamp', api_time(f.created_at),
            'data', CASE
                WHEN f.event IN ('message', 'message_edited') AND msg.id IS NOT NULL
                    THEN json_build_object(
                        'id', msg.id,
                        'chat_id', msg.chat_id,
                        'text', msg.text,
                        'created_at', api_time(msg.created_at),
                        'author', msg.author,
                        'edited_at', api_time(msg.edited_at),
                        'reply_to', msg.reply_to
                    )
                WHEN f.event IN ('message', 'message_edited', 'message_deleted')
                    THEN json_build_object('id', f.message_id, 'chat_id', f.chat_id)
                WHEN f.event = 'chat_deleted'
                    THEN json_build_object('chat_id', f.chat_id)
                ELSE (jsonb_build_object('chat_id', f.chat_id) || f.data)::json
            END
        )::text AS body
    FROM fresh AS f
    LEFT JOIN messages AS msg ON f.message_id = msg.id
    ORDER BY f.webhook_id, f.position
    RETURNING webhook_id
),

moved AS (
    UPDATE webhooks AS w
    SET cursor = snap.now, cursor_moved_at = now()
    FROM hooks AS h, snap
    WHERE
        w.id = h.id
        AND (
            h.id IN (SELECT f.webhook_id FROM fresh AS f)
            OR h.cursor_moved_at < now() - interval '1 second'
        )
    RETURNING w.id
)

SELECT count(*) FROM queued;
