-- name: get_message :one
-- One message by id.
-- $1 message_id bigint
-- returns: id, chat_id, text, created_at, is_read
SELECT id, chat_id, text, created_at, is_read
FROM messages
WHERE id = $1::bigint;
