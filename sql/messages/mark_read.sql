-- name: mark_read :one
-- Marks a chat's messages up to an id (inclusive) as read, in one statement. The chat row is
-- locked first, as every statement that writes messages does, so marking cannot deadlock with
-- a delete of the chat. The messages_count_after_update trigger takes them off unread_count.
-- $1 chat_id bigint
-- $2 up_to_id bigint: the newest message to mark; messages with a larger id stay as they are
-- returns: updated (how many messages changed from unread to read) and unread_count (what is
--   still unread afterwards); no row when the chat does not exist
WITH chat AS (
    SELECT id, unread_count FROM chats WHERE id = $1::bigint FOR NO KEY UPDATE
),
marked AS (
    UPDATE messages AS m
       SET is_read = true
      FROM chat
     WHERE m.chat_id = chat.id
       AND m.id <= $2::bigint
       AND NOT m.is_read
    RETURNING 1
)
SELECT done.updated, chat.unread_count - done.updated AS unread_count
FROM chat
CROSS JOIN (SELECT count(*) AS updated FROM marked) AS done;
