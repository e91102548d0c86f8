-- name: create_message :one
-- Posts a message into a chat. The messages_count_after_insert trigger adds it to the chat's
-- message_count; a missing chat is a foreign-key violation (23503).
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated (1-5000 characters)
-- returns: id, chat_id, text, created_at
INSERT INTO messages (chat_id, text)
VALUES ($1::bigint, $2::text)
RETURNING id, chat_id, text, created_at;
