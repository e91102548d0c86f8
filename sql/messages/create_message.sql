-- name: create_message :one
-- Posts a message into a chat. Locking the chat row first serialises posts per chat, so within
-- a chat ids, created_at and commit order all agree: a message that becomes visible later
-- always sorts newer, and keyset pages (before_id/after_id) never miss one. The
-- messages_count_after_insert trigger adds it to the chat's message_count.
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated (1-5000 characters)
-- $3 author text: who posts it (NULL when authentication is off)
-- $4 reply_to bigint: the message it answers, which must be in the same chat (NULL: none)
-- returns: id, chat_id, text, created_at, is_read, author, edited_at, reply_to; no row when
--   the chat does not exist or $4 is not one of its messages
WITH chat AS (
    SELECT chats.id, chats.last_read_id FROM chats WHERE chats.id = $1::bigint FOR NO KEY UPDATE
)
INSERT INTO messages (chat_id, text, created_at, author, reply_to)
SELECT chat.id AS chat_id, $2::text AS text, clock_timestamp() AS created_at, $3::text AS author,
       $4::bigint AS reply_to
FROM chat
WHERE $4::bigint IS NULL
   OR EXISTS (SELECT 1 FROM messages AS r WHERE r.id = $4::bigint AND r.chat_id = chat.id)
RETURNING id, chat_id, text, created_at, id <= (SELECT last_read_id FROM chat) AS is_read, author,
          edited_at, reply_to;
