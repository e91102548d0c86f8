-- name: create_messages :scalar
-- Posts many messages into one chat in one statement, all or nothing (bulk import and seeding).
-- Like create_message it locks the chat row first, so ids and created_at follow the given
-- order; the statement-level trigger adds them all to message_count at once.
-- $1 chat_id bigint
-- $2 texts text[]: already trimmed and validated, in order
-- $3 author text: who posts them (NULL when authentication is off)
-- returns: [{id, chat_id, text, created_at, is_read, author, edited_at, reply_to}, ...] in the given order as text; an
--   empty array when the chat does not exist
WITH chat AS (
    SELECT id, last_read_id FROM chats WHERE id = $1::bigint FOR NO KEY UPDATE
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at, author)
    SELECT chat.id AS chat_id, t.text, clock_timestamp() AS created_at, $3::text AS author
    FROM chat
    CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS t (text, position)
    ORDER BY t.position
    RETURNING id, chat_id, text, created_at, id <= (SELECT last_read_id FROM chat) AS is_read,
              author
)
SELECT coalesce(
    json_agg(
        json_build_object(
            'id', id,
            'chat_id', chat_id,
            'text', text,
            'created_at', api_time(created_at),
            'is_read', is_read,
            'author', author,
            'edited_at', NULL,
            'reply_to', NULL
        )
        ORDER BY id
    ),
    '[]'::json
)::text
FROM inserted;
