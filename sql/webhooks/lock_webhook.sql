-- name: lock_webhook :one
-- The first step of deleting a webhook: its row, then its lanes (lock_webhook_lanes.sql),
-- then the delete. NO KEY UPDATE: the foreign key checks of a worker recording attempts
-- (KEY SHARE) go on, while queuing for it (NO KEY UPDATE SKIP LOCKED) passes it by; the lanes
-- are then taken in the workers' order, so the cascade meets no lock taken the other way.
-- $1 webhook_id bigint
-- returns: its id, or no row when there is no such webhook
SELECT w.id
FROM webhooks AS w
WHERE w.id = $1::bigint
FOR NO KEY UPDATE;
