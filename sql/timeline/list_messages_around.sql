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
-- Each branch is gated by its own parameter and bounded by $1 itself, so a generic plan
-- reads one index: the primary key, (chat_id, id), or the chat's time index.
anchor AS (
    SELECT a.id, a.created_at
    FROM chat
    JOIN messages AS a ON a.id = $2::bigint AND a.chat_id = $1::bigint
    UNION ALL
    (
        -- Ids follow the chat's order (posts serialise on the chat row): (chat_id, id) finds it.
        SELECT a.id, a.created_at
        FROM chat
        JOIN messages AS a ON chat.read_id < a.id AND a.chat_id = $1::bigint
        WHERE $3::boolean AND (a.thread_id IS NULL OR $9::boolean)
        ORDER BY a.id
        LIMIT 1
    )
    UNION ALL
    (
        SELECT a.id, a.created_at
        FROM chat
        JOIN messages AS a ON a.chat_id = $1::bigint AND a.created_at >= $4::timestamptz
        WHERE $4::timestamptz IS NOT NULL AND (a.thread_id IS NULL OR $9::boolean)
        ORDER BY a.created_at, a.id
        LIMIT 1
    )
),
-- LATERAL: the anchor's position is each side's index bound, not a filter on a whole scan.
older AS (
    SELECT o.id, o.chat_id, o.text, o.created_at, o.author, o.edited_at, o.reply_to,
           o.thread_id, o.mentions
    FROM anchor AS a
    CROSS JOIN LATERAL (
        SELECT p.id, p.chat_id, p.text, p.created_at, p.author, p.edited_at, p.reply_to,
               p.thread_id, p.mentions
        FROM messages AS p
        WHERE p.chat_id = $1::bigint
          AND (p.created_at, p.id) < (a.created_at, a.id)
          AND (p.thread_id IS NULL OR $9::boolean)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT (SELECT $5::integer)
    ) AS o
),
newer AS (
    SELECT n.id, n.chat_id, n.text, n.created_at, n.author, n.edited_at, n.reply_to,
           n.thread_id, n.mentions
    FROM anchor AS a
    CROSS JOIN LATERAL (
        SELECT p.id, p.chat_id, p.text, p.created_at, p.author, p.edited_at, p.reply_to,
               p.thread_id, p.mentions
        FROM messages AS p
        WHERE p.chat_id = $1::bigint
          AND (p.created_at, p.id) > (a.created_at, a.id)
          AND (p.thread_id IS NULL OR $9::boolean)
        ORDER BY p.created_at, p.id
        LIMIT (SELECT $6::integer)
    ) AS n
),
page AS (
    SELECT p.id, p.chat_id, p.text, p.created_at, p.author, p.edited_at, p.reply_to,
           p.thread_id, p.mentions
    FROM anchor AS a
    JOIN messages AS p ON a.id = p.id
    UNION ALL
    SELECT o.id, o.chat_id, o.text, o.created_at, o.author, o.edited_at, o.reply_to,
           o.thread_id, o.mentions
    FROM older AS o
    UNION ALL
    SELECT n.id, n.chat_id, n.text, n.created_at, n.author, n.edited_at, n.reply_to,
           n.thread_id, n.mentions
    FROM newer AS n
)
SELECT (SELECT count(*) FROM anchor) > 0 AS anchor_found,
       (SELECT count(*) FROM older) AS older,
       (SELECT count(*) FROM newer) AS newer,
       coalesce(
           (
               SELECT json_agg(
                   json_build_object(
                       'id', m.id,
                       'chat_id', m.chat_id,
                       'text', m.text,
                       'created_at', api_time(m.created_at),
                       'is_read', m.id <= chat.read_id,
                       'author', m.author,
                       'edited_at', api_time(m.edited_at),
                       'reply_to', m.reply_to,
                       'thread_id', m.thread_id,
                       'thread', (
                           SELECT json_build_object(
                               'reply_count', t.reply_count,
                               'last_reply_at', api_time(t.last_reply_at),
                               'participants', coalesce(t.participants, '{}')
                           )
                           FROM thread_roots AS t
                           WHERE t.root_id = m.id AND t.reply_count > 0
                       ),
                       'reactions', coalesce(
                           (
                               -- Kept (migration 0021) as the viewer sees it when it reacted with none or all
                               -- of them (most messages, for most viewers); built per reaction otherwise.
                               SELECT CASE cardinality(mine.emoji)
                                   WHEN 0 THEN s.reactions
                                   WHEN s.emoji_count THEN s.reactions_all_mine
                                   ELSE (
                                       SELECT json_agg(o.*)
                                       FROM (
                                           SELECT r.emoji, r.total AS count, r.emoji = any(mine.emoji) AS me
                                           FROM message_reaction_counts AS r
                                           WHERE r.message_id = m.id AND r.total > 0
                                           ORDER BY r.ordinal
                                       ) AS o
                                   )
                               END
                               FROM message_reaction_summaries AS s
                               CROSS JOIN (
                                   SELECT array(
                                       SELECT x.emoji FROM message_reactions AS x
                                       WHERE x.message_id = m.id AND x.user_id = coalesce($7::text, '')
                                   ) AS emoji
                               ) AS mine
                               WHERE s.message_id = m.id
                           ),
                           '[]'::json
                       ),
                       'pinned_at', (
                           SELECT api_time(pin.pinned_at) FROM chat_pins AS pin WHERE pin.message_id = m.id
                       ),
                       'mentions', coalesce(m.mentions, '{}'),
                       'deleted', FALSE
                   )
                   ORDER BY m.created_at DESC, m.id DESC
               )
               FROM page AS m
           ),
           '[]'::json
       )::text AS messages
FROM chat;
