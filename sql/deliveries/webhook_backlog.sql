-- name: webhook_backlog :many
-- Per webhook: its pending deliveries and the age of the oldest (the metrics; chat-api
-- webhooks list). The lanes keep the counts, and the oldest is among the lanes' heads: one
-- index probe per busy lane, however long the backlog.
-- returns: id, url, enabled, pending, oldest_seconds (NULL when none is pending),
--   failing_since, disabled_reason
SELECT
    w.id,
    w.url,
    w.enabled,
    coalesce(sum(l.pending), 0)::bigint AS pending,
    extract(EPOCH FROM now() - min(head.created_at))::double precision AS oldest_seconds,
    w.failing_since,
    w.disabled_reason
FROM webhooks AS w
LEFT JOIN webhook_lanes AS l ON w.id = l.webhook_id AND l.pending > 0
LEFT JOIN LATERAL (
    SELECT d.created_at
    FROM webhook_deliveries AS d
    WHERE d.webhook_id = l.webhook_id AND d.chat_id = l.chat_id AND d.state = 'pending'
    ORDER BY d.id
    LIMIT 1
) AS head ON TRUE
GROUP BY w.id
ORDER BY w.id;
