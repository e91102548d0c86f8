-- name: lock_webhook_lanes :exec
-- A webhook's lanes, locked in chat order (the order the workers take them in), before the
-- webhook is deleted with them.
-- $1 webhook_id bigint
-- returns: nothing
SELECT 1 AS locked
FROM webhook_lanes AS l
WHERE l.webhook_id = $1::bigint
ORDER BY l.chat_id
FOR UPDATE;
