-- name: get_message_owner :one
-- Whose message it is, to decide who may edit or delete it.
-- $1 message_id bigint
-- returns: chat_id, author; no row when the message does not exist
SELECT m.chat_id, m.author
FROM messages AS m
WHERE m.id = $1::bigint;
