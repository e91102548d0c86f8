-- name: create_message_once :one
-- Posts a message under a client's Idempotency-Key: the first use creates the message and
-- records the key; a later use returns the message the key created instead. Like
-- create_message it locks the chat row first. Two first uses at the same moment: the loser
-- fails on the idempotency_keys primary key (23505) and is retried by the service, then sees
-- the winner's message.
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated
-- $3 key text: the Idempotency-Key header
-- $4 author text: who posts it (NULL when authentication is off)
-- $5 reply_to bigint: the message it answers, in the same chat (NULL: none); part of the
--   request a key is bound to
-- returns: replayed (true when the key was used before), same_request (whether that use had the
--   same request), id, chat_id, text, created_at, is_read, author, edited_at, reply_to; no row when the chat does not exist
WITH chat AS (
    SELECT chats.id, chats.last_read_id FROM chats WHERE chats.id = $1::bigint FOR NO KEY UPDATE
),
previous AS (
    SELECT k.request_hash, m.id, m.chat_id, m.text, m.created_at,
           m.id <= c.last_read_id AS is_read, m.author, m.edited_at, m.reply_to
    FROM idempotency_keys AS k
    JOIN messages AS m ON k.message_id = m.id
    JOIN chats AS c ON m.chat_id = c.id
    WHERE k.chat_id = $1::bigint
      AND k.key = $3::text
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at, author, reply_to)
    SELECT chat.id AS chat_id, $2::text AS text, clock_timestamp() AS created_at,
           $4::text AS author, $5::bigint AS reply_to
    FROM chat
    WHERE NOT EXISTS (SELECT 1 FROM previous)
      AND (
          $5::bigint IS NULL
          OR EXISTS (SELECT 1 FROM messages AS r WHERE r.id = $5::bigint AND r.chat_id = chat.id)
      )
    RETURNING id, chat_id, text, created_at, id <= (SELECT last_read_id FROM chat) AS is_read,
              author, edited_at, reply_to
),
recorded AS (
    INSERT INTO idempotency_keys (chat_id, key, request_hash, message_id)
    SELECT inserted.chat_id, $3::text AS key, request_hash($2::text, $5::bigint) AS request_hash,
           inserted.id AS message_id
    FROM inserted
)
SELECT FALSE AS replayed, TRUE AS same_request, id, chat_id, text, created_at, is_read, author,
       edited_at, reply_to
FROM inserted
UNION ALL
SELECT TRUE AS replayed, request_hash = request_hash($2::text, $5::bigint) AS same_request,
       id, chat_id, text, created_at, is_read, author, edited_at, reply_to
FROM previous;
