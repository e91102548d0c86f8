-- name: lock_lanes :exec
-- Locks the lanes of these deliveries in (webhook, chat) order, the order queue_events.sql
-- takes them in: recording attempts after this never deadlocks with a queuing.
-- $1 delivery_ids bigint[]
-- returns: nothing
SELECT 1 AS locked
FROM webhook_lanes AS l
WHERE (l.webhook_id, l.chat_id) IN (
    SELECT d.webhook_id, d.chat_id
    FROM webhook_deliveries AS d
    WHERE d.id = any($1::bigint [])
)
ORDER BY l.webhook_id, l.chat_id
FOR UPDATE OF l;
