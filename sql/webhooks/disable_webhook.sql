-- name: disable_webhook :one
-- chat-api webhooks disable: nothing more is queued or delivered until it is enabled again
-- (PATCH /webhooks/{id} {"enabled": true}, or chat-api webhooks retry).
-- $1 webhook_id bigint
-- $2 reason text
-- returns: its id, or no row when there is no such webhook
UPDATE webhooks AS w
SET enabled = FALSE, disabled_reason = $2::text, updated_at = now()
WHERE w.id = $1::bigint
RETURNING w.id;
