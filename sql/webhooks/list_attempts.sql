-- name: list_attempts :many
-- A webhook's attempts, newest first, keyset-paged by attempt id.
-- $1 webhook_id bigint
-- $2 before_id bigint: NULL for the newest page
-- $3 limit integer
-- returns: id, event_id, event, attempt, status_code, error, duration_ms, attempted_at,
--   state (of the delivery now), next_attempt_at (set on a pending delivery's latest attempt)
SELECT
    a.id,
    d.event_id,
    d.event,
    a.attempt,
    a.status_code,
    a.error,
    a.duration_ms,
    a.attempted_at,
    d.state,
    CASE
        WHEN d.state = 'pending' AND a.attempt = d.attempts THEN d.next_attempt_at
    END AS next_attempt_at
FROM webhook_attempts AS a
JOIN webhook_deliveries AS d ON a.delivery_id = d.id
WHERE a.webhook_id = $1::bigint AND a.id < coalesce($2::bigint, 9223372036854775807)
ORDER BY a.id DESC
LIMIT $3::integer;
