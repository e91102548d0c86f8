-- name: remove_reaction :one
-- Removes a user's reaction from a message. Locks the chat row first, as add_reaction.sql
-- does; the emoji's count keeps its row at 0 (its place, should it come back).
-- $1 message_id bigint
-- $2 emoji text
-- $3 user_id text: whose reaction ('' when authentication is off)
-- returns: chat_id, count (the emoji's count now; NULL when the user had not reacted so); no
--   row when the message does not exist
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    WHERE target.id = $1::bigint
    FOR NO KEY UPDATE OF c, target
),
removed AS (
    DELETE FROM message_reactions AS r
    USING chat
    WHERE r.message_id = $1::bigint AND r.emoji = $2::text AND r.user_id = $3::text
    RETURNING r.message_id, r.emoji
),
counted AS (
    UPDATE message_reaction_counts AS r
    SET total = r.total - 1
    FROM removed AS d
    WHERE r.message_id = d.message_id AND r.emoji = d.emoji
    RETURNING r.total
),
logged AS (
    INSERT INTO chat_activity (chat_id, event, message_id, data)
    SELECT chat.id AS chat_id, 'reaction_removed' AS event, $1::bigint AS message_id,
           jsonb_build_object(
               'chat_id', chat.id, 'message_id', $1::bigint, 'emoji', $2::text,
               'user_id', nullif($3::text, ''), 'count', n.total
           ) AS data
    FROM counted AS n
    CROSS JOIN chat
)
SELECT chat.id AS chat_id, (SELECT n.total FROM counted AS n) AS count
FROM chat;
