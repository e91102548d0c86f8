-- name: get_webhook :one
-- One webhook's public fields (never its secrets).
-- $1 webhook_id bigint
-- returns: id, url, events, chat_id, description, enabled, disabled_reason, failing_since,
--   previous_secret_until (while the previous secret still signs), created_at, updated_at
SELECT
    w.id, w.url, w.events, w.chat_id, w.description, w.enabled, w.disabled_reason,
    w.failing_since,
    CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_until END
        AS previous_secret_until,
    w.created_at, w.updated_at
FROM webhooks AS w
WHERE w.id = $1::bigint;
