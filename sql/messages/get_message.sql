-- name: get_message :one
-- One message by id.
-- $1 message_id bigint
-- returns: id, chat_id, text, created_at, is_read, author, edited_at, reply_to
SELECT m.id, m.chat_id, m.text, m.created_at, m.id <= c.last_read_id AS is_read, m.author,
       m.edited_at, m.reply_to
FROM messages AS m
JOIN chats AS c ON m.chat_id = c.id
WHERE m.id = $1::bigint;
