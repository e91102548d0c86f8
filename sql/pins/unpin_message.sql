-- name: unpin_message :one
-- Unpins a message of a chat. Locks the chat row first, as pin_message.sql does.
-- $1 chat_id bigint
-- $2 message_id bigint
-- $3 unpinned_by text: who unpins it (NULL when authentication is off)
-- returns: unpinned (false: it was not pinned); no row when the message is not one of the
--   chat's
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    WHERE c.id = $1::bigint AND target.id = $2::bigint
    FOR NO KEY UPDATE OF c
),
unpinned AS (
    DELETE FROM chat_pins AS p
    USING chat
    WHERE p.message_id = $2::bigint AND p.chat_id = chat.id
    RETURNING p.message_id
),
logged AS (
    INSERT INTO chat_activity (chat_id, event, message_id, data)
    SELECT $1::bigint AS chat_id, 'message_unpinned' AS event, u.message_id,
           jsonb_build_object(
               'chat_id', $1::bigint, 'message_id', u.message_id, 'user_id', $3::text
           ) AS data
    FROM unpinned AS u
)
SELECT (SELECT count(*) FROM unpinned) > 0 AS unpinned
FROM chat;
