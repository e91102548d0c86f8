-- name: insert_chat_before_people :scalar
-- A chat as it was before migration 0013: messages by two authors (and one from before
-- authentication), the newest one posted first's time aside, with only 0012's columns.
-- returns: the chat's id
WITH chat AS (
    INSERT INTO chats (title) VALUES ('from before people') RETURNING id
),
posted AS (
    INSERT INTO messages (chat_id, text, author, created_at)
    SELECT chat.id AS chat_id, 'old ' || n AS text,
           (ARRAY['ann', 'bob', NULL])[1 + n % 3] AS author,
           '2026-01-01T00:00:00Z'::timestamptz + n * interval '1 minute' AS created_at
    FROM chat
    CROSS JOIN generate_series(1, 6) AS n
)
SELECT id FROM chat;
