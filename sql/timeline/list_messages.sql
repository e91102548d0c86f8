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
            json_build_object(
                'id', m.id,
                'chat_id', m.chat_id,
                'text', m.text,
                'created_at', api_time(m.created_at),
                'is_read', m.id <= CASE WHEN $4::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
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
                                WHERE x.message_id = m.id AND x.user_id = coalesce($4::text, '')
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
        FROM (
            SELECT p.id, p.chat_id, p.text, p.created_at, p.author, p.edited_at, p.reply_to,
                   p.thread_id, p.mentions
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
