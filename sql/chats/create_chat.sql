-- name: create_chat :one
-- Creates a chat with no messages.
-- $1 title text: already trimmed and validated (1-200 characters)
-- returns: id, title, created_at, message_count, unread_count
INSERT INTO chats (title)
VALUES ($1::text)
RETURNING id, title, created_at, message_count, unread_count;
