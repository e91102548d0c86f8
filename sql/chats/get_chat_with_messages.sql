-- name: get_chat_with_messages :scalar
-- A chat and its latest messages, newest first, as one JSON document built in one round trip
-- (index-backed: the cost does not grow with the chat's size). The service answers it as it
-- is, so its shape is the API's: tests hold it to the ChatWithMessages response model.
-- LIMIT reads its parameter through (SELECT $n), which keeps the cached generic plan in use
-- instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 limit integer: how many of the latest messages
-- $3 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $4 admin boolean: the caller has the admin scope, which sees every chat
-- $5 include_threads boolean: thread replies too (false: the main timeline alone)
-- returns: {"chat": {id, title, created_at, message_count, unread_count (the viewer's: NULL
--   for a non-member), visibility, member_count, members_can_pin},
--           "messages": [message_json (migration 0019), ...]} as text, or NULL
--          when the chat does not exist or the viewer may not see it
SELECT json_build_object(
    'chat', json_build_object(
        'id', c.id,
        'title', c.title,
        'created_at', api_time(c.created_at),
        'message_count', c.message_count,
        'unread_count', CASE
            WHEN $3::text IS NULL THEN c.unread_count
            WHEN me.user_id IS NOT NULL THEN member_unread(
                c.id, c.message_count, c.deleted_revision, me.last_read_id, me.read_base,
                me.read_revision
            )
        END,
        'visibility', c.visibility,
        'member_count', c.member_count,
        'members_can_pin', c.members_can_pin
    ),
    'messages', coalesce(
        (
            SELECT json_agg(
                json_build_object(
                    'id', m.id,
                    'chat_id', m.chat_id,
                    'text', m.text,
                    'created_at', api_time(m.created_at),
                    'is_read', m.id <= CASE WHEN $3::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
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
                                    WHERE x.message_id = m.id AND x.user_id = coalesce($3::text, '')
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
                SELECT messages.id, messages.chat_id, messages.text, messages.created_at, messages.author, messages.edited_at, messages.reply_to,
                       messages.thread_id, messages.mentions
                FROM messages
                WHERE messages.chat_id = c.id
                  AND (messages.thread_id IS NULL OR $5::boolean)
                ORDER BY messages.created_at DESC, messages.id DESC
                LIMIT (SELECT $2::integer)
            ) AS m
        ),
        '[]'::json
    )
)::text
FROM chats AS c
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $3::text
WHERE c.id = $1::bigint
  AND ($3::text IS NULL OR $4::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
