-- name: list_webhooks :many
-- Webhooks by id, keyset-paged.
-- $1 after_id bigint: 0 for the first page
-- $2 limit integer
-- returns: the public fields of get_webhook.sql
SELECT
    w.id, w.url, w.events, w.chat_id, w.description, w.enabled, w.disabled_reason,
    w.failing_since,
    CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_until END
        AS previous_secret_until,
    w.created_at, w.updated_at
FROM webhooks AS w
WHERE w.id > $1::bigint
ORDER BY w.id
LIMIT $2::integer;
