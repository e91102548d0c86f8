-- name: rotate_secret :one
-- A new signing secret; the current one keeps signing beside it for $3 hours, so receivers
-- can switch over without dropping a delivery.
-- $1 webhook_id bigint
-- $2 secret text: the new one
-- $3 overlap_hours integer
-- returns: the public fields of get_webhook.sql and the new secret, or no row
UPDATE webhooks AS w
SET
    previous_secret = w.secret,
    previous_secret_until = now() + make_interval(hours => $3::integer),
    secret = $2::text,
    updated_at = now()
WHERE w.id = $1::bigint
RETURNING
    w.id, w.url, w.events, w.chat_id, w.description, w.enabled, w.disabled_reason,
    w.failing_since, w.previous_secret_until, w.created_at, w.updated_at, w.secret;
