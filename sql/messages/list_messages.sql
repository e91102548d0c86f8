-- name: list_messages :many
-- One page of a chat's messages, newest first, and whether the chat exists, in one round trip.
-- $1 chat_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- returns: no row when the chat does not exist; otherwise one row per message
--   (id, chat_id, text, created_at), or a single row of NULLs when the page is empty.
SELECT m.id, m.chat_id, m.text, m.created_at
FROM chats AS c
LEFT JOIN LATERAL (
    SELECT id, chat_id, text, created_at
    FROM messages
    WHERE chat_id = c.id
    ORDER BY created_at DESC, id DESC
    OFFSET $2::bigint
    LIMIT $3::integer
) AS m ON true
WHERE c.id = $1::bigint
ORDER BY m.created_at DESC, m.id DESC;
