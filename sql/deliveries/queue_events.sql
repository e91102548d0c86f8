-- name: queue_events :scalar
-- Queues, for each webhook locked by lock_webhooks.sql, the next page of the log's chat-wide
-- events its cursor has not seen (see migration 0018), in position order (each chat's commit
-- order), into the lanes of their chats; then moves its cursor. A round reads up to one
-- target snapshot (this statement's, when the cursor has none) page by page; a cursor that
-- queued nothing moves at most once a second, so idle polls spend no rows or WAL and the next
-- read still starts at most a second back.
-- $1 webhook_ids bigint[]
-- $2 page integer: the most events queued per webhook
-- returns: how many deliveries were queued
WITH hooks AS (
    SELECT
        w.id,
        w.events,
        w.chat_id,
        w.cursor,
        w.cursor_after,
        w.cursor_moved_at,
        coalesce(w.cursor_target, pg_current_snapshot()) AS target
    FROM webhooks AS w
    WHERE w.id = any($1::bigint [])
),

fresh AS (
    SELECT
        h.id AS webhook_id,
        e.position,
        e.chat_id,
        e.event,
        e.message_id,
        e.data,
        e.created_at
    FROM hooks AS h
    CROSS JOIN LATERAL (
        SELECT
            log.position,
            log.chat_id,
            log.event,
            log.message_id,
            log.data,
            log.created_at
        FROM event_log AS log
        WHERE
            log.xid >= pg_snapshot_xmin(h.cursor)
            AND log.xid < pg_snapshot_xmax(h.target)
            AND NOT pg_visible_in_snapshot(log.xid, h.cursor)
            AND pg_visible_in_snapshot(log.xid, h.target)
            AND log.position > h.cursor_after
            AND log.user_id IS NULL
            AND (h.chat_id IS NULL OR log.chat_id = h.chat_id)
            AND ('*' = any(h.events) OR log.event = any(h.events))
        ORDER BY log.position
        LIMIT $2::integer
    ) AS e
),

pages AS (
    SELECT
        f.webhook_id,
        count(*) AS queued,
        max(f.position) AS last_position
    FROM fresh AS f
    GROUP BY f.webhook_id
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
                    -- Read state is a member's own, not a backend's.
                    THEN (message_json(msg.*, NULL, NULL)::jsonb - 'is_read')::json
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
    RETURNING webhook_id, chat_id
),

-- An idle lane falls due now; a busy one (leased, or waiting to retry) keeps its time.
lanes AS (
    INSERT INTO webhook_lanes AS l (webhook_id, chat_id, pending, next_attempt_at)
    SELECT q.webhook_id, q.chat_id, count(*) AS pending, now() AS next_attempt_at
    FROM queued AS q
    GROUP BY q.webhook_id, q.chat_id
    ORDER BY q.webhook_id, q.chat_id
    ON CONFLICT (webhook_id, chat_id) DO UPDATE
        SET
            pending = l.pending + excluded.pending,
            next_attempt_at = CASE WHEN l.pending = 0 THEN now() ELSE l.next_attempt_at END
    RETURNING l.webhook_id
),

-- A full page: the round goes on after it, up to the same target; otherwise the round is
-- over and the target becomes the base of the next one.
moved AS (
    UPDATE webhooks AS w
    SET
        cursor = CASE WHEN p.queued = $2::integer THEN h.cursor ELSE h.target END,
        cursor_target = CASE WHEN p.queued = $2::integer THEN h.target END,
        cursor_after = CASE WHEN p.queued = $2::integer THEN p.last_position ELSE 0 END,
        cursor_moved_at = now()
    FROM hooks AS h
    LEFT JOIN pages AS p ON h.id = p.webhook_id
    WHERE
        w.id = h.id
        AND (p.queued IS NOT NULL OR h.cursor_moved_at < now() - interval '1 second')
    RETURNING w.id
)

SELECT count(*) FROM queued;
