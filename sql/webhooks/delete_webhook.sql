-- name: delete_webhook :one
-- Removes a webhook with its queue and attempts (ON DELETE CASCADE).
-- $1 webhook_id bigint
-- returns: its id, or no row when there is no such webhook
DELETE FROM webhooks AS w
WHERE w.id = $1::bigint
RETURNING w.id;
