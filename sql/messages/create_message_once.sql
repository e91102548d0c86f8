-- name: create_message_once :one
-- Posts a message under a client's Idempotency-Key: the first use creates the message and
-- records the key; a later use returns the message the key created instead. Like
-- create_message it locks the chat row first. Two first uses at the same moment: the loser
-- fails on the idempotency_keys primary key (23505) and is retried by the service, then sees
-- the winner's message.
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated
-- $3 key text: the Idempotency-Key header
-- returns: replayed (true when the key was used before), same_request (whether that use had the
--   same text), id, chat_id, text, created_at, is_read; no row when the chat does not exist
WITH chat AS (
    SELECT chats.id, chats.last_read_id FROM chats WHERE chats.id = $1::bigint FOR NO KEY UPDATE
),
previous AS (
    SELECT k.request_hash, m.id, m.chat_id, m.text, m.created_at,
           m.id <= c.last_read_id AS is_read
    FROM idempotency_keys AS k
    JOIN messages AS m ON k.message_id = m.id
    JOIN chats AS c ON m.chat_id = c.id
    WHERE k.chat_id = $1::bigint
      AND k.key = $3::text
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at)
    SELECT chat.id AS chat_id, $2::text AS text, clock_timestamp() AS created_at
    FROM chat
    WHERE NOT EXISTS (SELECT 1 FROM previous)
    RETURNING id, chat_id, text, created_at, id <= (SELECT last_read_id FROM chat) AS is_read
),
recorded AS (
    INSERT INTO idempotency_keys (chat_id, key, request_hash, message_id)
    SELECT inserted.chat_id, $3::text AS key, sha256(convert_to($2::text, 'UTF8')) AS request_hash,
           inserted.id AS message_id
    FROM inserted
)
SELECT false AS replayed, true AS same_request, id, chat_id, text, created_at, is_read
FROM inserted
UNION ALL
SELECT true AS replayed, request_hash = sha256(convert_to($2::text, 'UTF8')) AS same_request,
       id, chat_id, text, created_at, is_read
FROM previous;
