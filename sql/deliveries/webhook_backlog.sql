-- name: webhook_backlog :many
-- Per webhook: its pending deliveries and the age of the oldest (the metrics; chat-api
-- webhooks list). Reads the pending rows only (the partial index).
-- returns: id, url, enabled, pending, oldest_seconds (NULL when none is pending),
--   failing_since, disabled_reason
SELECT
    w.id,
    w.url,
    w.enabled,
    count(d.id) AS pending,
    extract(EPOCH FROM now() - min(d.created_at))::double precision AS oldest_seconds,
    w.failing_since,
    w.disabled_reason
FROM webhooks AS w
LEFT JOIN webhook_deliveries AS d ON w.id = d.webhook_id AND d.state = 'pending'
GROUP BY w.id
ORDER BY w.id;
