-- name: list_messages :scalar
-- One page of a chat's messages, newest first, as a JSON array built in the database.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- $4 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $5 admin boolean: the caller has the admin scope, which sees every chat
-- $6 include_threads boolean: thread replies too (false: the main timeline alone)
-- returns: [message_json (migration 0019), ...] as text, or NULL when the chat does
--   not exist
SELECT coalesce(
    (
        SELECT json_agg(
            message_json(
                m.message,
                CASE WHEN $4::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                $4::text
            )
            ORDER BY (m.message).created_at DESC, (m.message).id DESC
        )
        FROM (
            SELECT row(p.*)::messages AS message
            FROM messages AS p
            WHERE p.chat_id = c.id
              AND (p.thread_id IS NULL OR $6::boolean)
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT (SELECT $3::integer)
            OFFSET (SELECT $2::bigint)
        ) AS m
    ),
    '[]'::json
)::text
FROM chats AS c
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $4::text
WHERE c.id = $1::bigint
  AND ($4::text IS NULL OR $5::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
