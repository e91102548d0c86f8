-- name: list_messages_before :one
-- Keyset page: the chat's messages older than an anchor message, newest first, as a JSON
-- array. Index-backed at any depth: the cost does not grow with how far back the page is.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 before_id bigint: the anchor, a message of this chat
-- $3 skip bigint: rows to skip after the anchor
-- $4 limit integer: page size
-- $5 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $6 admin boolean: the caller has the admin scope, which sees every chat
-- $7 include_threads boolean: thread replies too (false: the main timeline alone)
-- returns: no row when the chat does not exist or the viewer may not see it; otherwise before_found (false when $2 is not a
--   message of this chat) and messages: [message_json (migration 0019), ...] as text
SELECT a.id IS NOT NULL AS before_found,
       coalesce(
           (
               SELECT json_agg(
                   json_build_object(
                       'id', m.id,
                       'chat_id', m.chat_id,
                       'text', m.text,
                       'created_at', api_time(m.created_at),
                       'is_read', m.id <= CASE WHEN $5::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
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
                                       WHERE x.message_id = m.id AND x.user_id = coalesce($5::text, '')
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
                     AND (p.thread_id IS NULL OR $7::boolean)
                     AND (p.created_at, p.id) < (a.created_at, a.id)
                   ORDER BY p.created_at DESC, p.id DESC
                   LIMIT (SELECT $4::integer)
                   OFFSET (SELECT $3::bigint)
               ) AS m
           ),
           '[]'::json
       )::text AS messages
FROM chats AS c
LEFT JOIN messages AS a ON c.id = a.chat_id AND a.id = $2::bigint
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $5::text
WHERE c.id = $1::bigint
  AND ($5::text IS NULL OR $6::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
