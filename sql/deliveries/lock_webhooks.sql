-- name: lock_webhooks :many
-- The enabled webhooks no other process is queuing for, locked until the transaction ends:
-- the first half of queuing (queue_events.sql reads the log with a snapshot taken after the
-- locks, so a cursor another process moved a moment ago is never moved back). NO KEY UPDATE:
-- the foreign key checks of deliveries and attempts (KEY SHARE) do not wait on it.
-- returns: id
SELECT w.id
FROM webhooks AS w
WHERE w.enabled
ORDER BY w.id
FOR NO KEY UPDATE SKIP LOCKED;
