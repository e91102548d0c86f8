-- name: get_chat_with_messages :many
-- A chat and its latest messages, newest first, in one round trip (index-backed: the cost does
-- not grow with the chat's size).
-- $1 chat_id bigint
-- $2 limit integer: how many of the latest messages
-- returns: no row when the chat does not exist; otherwise one row per message
--   (id, title, created_at, message_count, message_id, message_text, message_created_at),
--   or a single row whose message_* columns are NULL when the chat has no messages.
SELECT c.id,
       c.title,
       c.created_at,
       c.message_count,
       m.id         AS message_id,
       m.text       AS message_text,
       m.created_at AS message_created_at
FROM chats AS c
LEFT JOIN LATERAL (
    SELECT id, text, created_at
    FROM messages
    WHERE chat_id = c.id
    ORDER BY created_at DESC, id DESC
    LIMIT $2::integer
) AS m ON true
WHERE c.id = $1::bigint
ORDER BY m.created_at DESC, m.id DESC;
