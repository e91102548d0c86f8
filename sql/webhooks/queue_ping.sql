-- name: queue_ping :one
-- Queues a ping for a webhook (POST /webhooks/{id}/test) in its lane of no chat (0): due at
-- once unless an earlier ping is still being tried.
-- $1 webhook_id bigint
-- returns: the ping's event id, or no row when there is no such webhook
WITH ping AS (
    INSERT INTO webhook_deliveries AS d (webhook_id, chat_id, event_id, event, body)
    SELECT
        w.id AS webhook_id,
        0 AS chat_id,
        'ping_' || gen_random_uuid() AS event_id,
        'ping' AS event,
        json_build_object(
            'type', 'ping',
            'timestamp', api_time(now()),
            'data', json_build_object('webhook_id', w.id)
        )::text AS body
    FROM webhooks AS w
    WHERE w.id = $1::bigint
    RETURNING d.webhook_id, d.event_id
),

lane AS (
    INSERT INTO webhook_lanes AS l (webhook_id, chat_id, pending, next_attempt_at)
    SELECT ping.webhook_id, 0 AS chat_id, 1 AS pending, now() AS next_attempt_at
    FROM ping
    ON CONFLICT (webhook_id, chat_id) DO UPDATE
        SET
            pending = l.pending + 1,
            next_attempt_at = CASE WHEN l.pending = 0 THEN now() ELSE l.next_attempt_at END
    RETURNING l.webhook_id
)

SELECT ping.event_id FROM ping;
