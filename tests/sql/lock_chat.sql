-- name: lock_chat :scalar
-- Locks a chat row until the transaction ends, so writes to that chat wait (tests use it to
-- keep a request in flight).
-- $1 chat_id bigint
-- returns: id
SELECT id FROM chats WHERE id = $1::bigint FOR UPDATE;
