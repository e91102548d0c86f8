-- name: insert_unmarked_chat :scalar
-- A chat with some messages, written with only the columns of migration 0001 (tests that a
-- later migration takes existing data along).
-- $1 messages integer: how many messages
-- returns: the chat's id
WITH chat AS (
    INSERT INTO chats (title) VALUES ('from before') RETURNING id
),
posted AS (
    INSERT INTO messages (chat_id, text)
    SELECT chat.id AS chat_id, 'old ' || n AS text
    FROM chat
    CROSS JOIN generate_series(1, $1::integer) AS n
)
SELECT id FROM chat;
