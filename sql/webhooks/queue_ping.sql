-- name: queue_ping :one
-- Queues a ping for a webhook (POST /webhooks/{id}/test): due at once, held back by no chat.
-- $1 webhook_id bigint
-- returns: the ping's event id, or no row when there is no such webhook
INSERT INTO webhook_deliveries AS d (webhook_id, event_id, event, body)
SELECT
    w.id AS webhook_id,
    'ping_' || gen_random_uuid() AS event_id,
    'ping' AS event,
    json_build_object(
        'type', 'ping',
        'timestamp', api_time(now()),
        'data', json_build_object('webhook_id', w.id)
    )::text AS body
FROM webhooks AS w
WHERE w.id = $1::bigint
RETURNING d.event_id;
