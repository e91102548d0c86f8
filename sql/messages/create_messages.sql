-- name: create_messages :scalar
-- Posts many messages into one chat in one statement, all or nothing (bulk import and seeding).
-- Like create_message it locks the chat row first, so ids and created_at follow the given
-- order; the statement-level trigger adds them all to message_count at once. With
-- authentication on, only members (and admin) may post, and a member author's read position
-- moves to the last of them.
-- $1 chat_id bigint
-- $2 texts text[]: already trimmed and validated, in order
-- $3 author text: who posts them (NULL when authentication is off)
-- $4 admin boolean: the author has the admin scope, which may post without being a member
-- returns: [{id, chat_id, text, created_at, is_read, author, edited_at, reply_to}, ...] in the given order as text; an
--   empty array when the chat does not exist or the author may not post into it
WITH chat AS (
    SELECT c.id, c.last_read_id, c.message_count, c.deleted_revision,
           me.user_id IS NOT NULL AS by_member
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $3::text
    WHERE c.id = $1::bigint
      AND ($3::text IS NULL OR $4::boolean OR me.user_id IS NOT NULL)
    FOR NO KEY UPDATE OF c
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at, author)
    SELECT chat.id AS chat_id, t.text, clock_timestamp() AS created_at, $3::text AS author
    FROM chat
    CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS t (text, position)
    ORDER BY t.position
    RETURNING id, chat_id, text, created_at, author
),
read_own AS (
    UPDATE chat_members AS me
       SET last_read_id = newest.id,
           read_base = chat.message_count + newest.added,
           read_revision = chat.deleted_revision
      FROM (SELECT max(i.id) AS id, count(*) AS added FROM inserted AS i) AS newest
      CROSS JOIN chat
     WHERE me.chat_id = chat.id AND me.user_id = $3::text AND newest.id IS NOT NULL
)
SELECT coalesce(
    json_agg(
        json_build_object(
            'id', i.id,
            'chat_id', i.chat_id,
            'text', i.text,
            'created_at', api_time(i.created_at),
            'is_read', CASE
                WHEN $3::text IS NULL THEN i.id <= chat.last_read_id
                WHEN chat.by_member THEN TRUE
            END,
            'author', i.author,
            'edited_at', NULL,
            'reply_to', NULL
        )
        ORDER BY i.id
    ),
    '[]'::json
)::text
FROM inserted AS i
CROSS JOIN chat;
