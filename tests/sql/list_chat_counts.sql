-- name: list_chat_counts :many
-- Every chat with its stored message_count.
-- returns: id, title, message_count
SELECT id, title, message_count FROM chats ORDER BY id;
