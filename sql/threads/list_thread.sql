-- name: list_thread :one
-- A thread's replies, oldest first, as a JSON array: those after an anchor reply (keyset),
-- read from the thread's own index (0020) however long the thread or its chat. The root may
-- be a deleted one the thread still hangs from (thread_roots.root_deleted).
-- $1 root_id bigint
-- $2 after_id bigint: the page starts after this reply of the thread (NULL: from the first)
-- $3 limit integer: page size
-- $4 viewer text: the caller's user id; NULL when authentication is off
-- $5 admin boolean: the caller has the admin scope, which sees every chat
-- returns: no row when $1 is not a thread root (or has no replies left after its deletion)
--   or the viewer may not see its chat; otherwise after_found (false when $2 is not a reply
--   of this thread) and messages: [message_json, ...] as text
WITH chat AS (
    SELECT c.id,
           CASE WHEN $4::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS read_id
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $4::text
    WHERE c.id = coalesce(
        (SELECT m.chat_id FROM messages AS m WHERE m.id = $1::bigint AND m.thread_id IS NULL),
        (
            SELECT t.chat_id FROM thread_roots AS t
            WHERE t.root_id = $1::bigint AND t.reply_count > 0
        )
    )
      AND ($4::text IS NULL OR $5::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
),
anchor AS (
    SELECT a.created_at, a.id
    FROM messages AS a
    WHERE a.id = $2::bigint AND a.thread_id = $1::bigint
),
page AS (
    SELECT row(p.*)::messages AS message
    FROM messages AS p
    WHERE p.thread_id = $1::bigint
      AND (
          $2::bigint IS NULL
          OR (p.created_at, p.id) > (SELECT a.created_at, a.id FROM anchor AS a)
      )
    ORDER BY p.created_at, p.id
    LIMIT $3::integer
)
SELECT $2::bigint IS NULL OR (SELECT count(*) FROM anchor) > 0 AS after_found,
       coalesce(
           (
               SELECT json_agg(
                   message_json(r.message, chat.read_id, $4::text)
                   ORDER BY (r.message).created_at, (r.message).id
               )
               FROM page AS r
           ),
           '[]'::json
       )::text AS messages
FROM chat;
