-- name: list_messages_around :one
-- Jump to a message: an anchor message of the chat with up to $5 older and $6 newer messages
-- around it, newest first, as a JSON array. The anchor is message $2 (around_id), the
-- viewer's first unread message ($3: around=first_unread), or the first message at or after a
-- time ($4: at=). Each side is one index range read from the anchor, so a jump into a long
-- history costs what the chat's latest page costs.
-- LIMIT reads its parameters through (SELECT $n), which keeps the cached generic plan in use
-- instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 around_id bigint: the anchor message (NULL: another anchor)
-- $3 first_unread boolean: the anchor is the viewer's first unread message
-- $4 at timestamptz: the anchor is the first message at or after this time (NULL: another)
-- $5 older integer: how many older messages to include
-- $6 newer integer: how many newer messages to include
-- $7 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $8 admin boolean: the caller has the admin scope, which sees every chat
-- $9 include_threads boolean: thread replies too (false: the main timeline alone; the
--   around_id anchor is shown whichever it is)
-- returns: no row when the chat does not exist or the viewer may not see it; otherwise
--   anchor_found (false when there is no such anchor), older and newer (how many of each
--   the page holds), and messages: [message_json (migration 0019), ...] as text
WITH chat AS (
    SELECT c.id,
           CASE WHEN $7::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS read_id
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $7::text
    WHERE c.id = $1::bigint
      AND ($7::text IS NULL OR $8::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
),
anchor AS (
    SELECT a.id, a.created_at
    FROM chat
    JOIN messages AS a ON chat.id = a.chat_id
    WHERE a.id = $2::bigint
    UNION ALL
    (
        -- Ids follow the chat's order (posts serialise on the chat row): (chat_id, id) finds it.
        SELECT a.id, a.created_at
        FROM chat
        JOIN messages AS a ON chat.id = a.chat_id
        WHERE $3::boolean AND a.id > chat.read_id AND (a.thread_id IS NULL OR $9::boolean)
        ORDER BY a.id
        LIMIT 1
    )
    UNION ALL
    (
        SELECT a.id, a.created_at
        FROM chat
        JOIN messages AS a ON chat.id = a.chat_id
        WHERE a.created_at >= $4::timestamptz AND (a.thread_id IS NULL OR $9::boolean)
        ORDER BY a.created_at, a.id
        LIMIT 1
    )
),
older AS (
    SELECT row(p.*)::messages AS message
    FROM anchor AS a
    JOIN messages AS p ON p.chat_id = $1::bigint
    WHERE (p.created_at, p.id) < (a.created_at, a.id) AND (p.thread_id IS NULL OR $9::boolean)
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT (SELECT $5::integer)
),
newer AS (
    SELECT row(p.*)::messages AS message
    FROM anchor AS a
    JOIN messages AS p ON p.chat_id = $1::bigint
    WHERE (p.created_at, p.id) > (a.created_at, a.id) AND (p.thread_id IS NULL OR $9::boolean)
    ORDER BY p.created_at, p.id
    LIMIT (SELECT $6::integer)
),
page AS (
    SELECT row(p.*)::messages AS message
    FROM anchor AS a
    JOIN messages AS p ON a.id = p.id
    UNION ALL
    SELECT o.message FROM older AS o
    UNION ALL
    SELECT n.message FROM newer AS n
)
SELECT (SELECT count(*) FROM anchor) > 0 AS anchor_found,
       (SELECT count(*) FROM older) AS older,
       (SELECT count(*) FROM newer) AS newer,
       coalesce(
           (
               SELECT json_agg(
                   message_json(m.message, chat.read_id, $7::text)
                   ORDER BY (m.message).created_at DESC, (m.message).id DESC
               )
               FROM page AS m
           ),
           '[]'::json
       )::text AS messages
FROM chat;
