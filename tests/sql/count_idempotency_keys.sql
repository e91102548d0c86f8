-- name: count_idempotency_keys :scalar
-- How many idempotency keys a chat has.
-- $1 chat_id bigint
-- returns: count
SELECT count(*) FROM idempotency_keys WHERE chat_id = $1::bigint;
