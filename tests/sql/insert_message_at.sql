-- name: insert_message_at :scalar
-- Inserts a message with a given creation time (tests of time ranges).
-- $1 chat_id bigint
-- $2 created_at timestamptz
-- returns: id
INSERT INTO messages (chat_id, text, created_at)
VALUES ($1::bigint, 'dated', $2::timestamptz)
RETURNING id;
