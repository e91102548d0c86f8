-- name: age_idempotency_keys :exec
-- Makes a chat's idempotency keys look older (pruning tests).
-- $1 chat_id bigint
-- $2 hours integer
UPDATE idempotency_keys
SET created_at = created_at - make_interval(hours => $2::integer)
WHERE chat_id = $1::bigint;
