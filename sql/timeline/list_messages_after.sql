-- name: list_messages_after :one
-- Keyset page: the messages that directly follow an anchor message (the oldest ones newer
-- than it), as a JSON array, newest first. Index-backed at any depth.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 after_id bigint: the anchor, a message of this chat
-- $3 skip bigint: rows to skip after the anchor
-- $4 limit integer: page size
-- $5 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $6 admin boolean: the caller has the admin scope, which sees every chat
-- $7 include_threads boolean: thread replies too (false: the main timeline alone)
-- returns: no row when the chat does not exist or the viewer may not see it; otherwise after_found (false when $2 is not a
--   message of this chat) and messages: [message_json (migration 0019), ...] as text
SELECT a.id IS NOT NULL AS after_found,
       coalesce(
           (
               SELECT json_agg(
                   message_json(
                       m.message,
                       CASE WHEN $5::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                       $5::text
                   )
                   ORDER BY (m.message).created_at DESC, (m.message).id DESC
               )
               FROM (
                   SELECT row(p.*)::messages AS message
                   FROM messages AS p
                   WHERE p.chat_id = c.id
                     AND (p.thread_id IS NULL OR $7::boolean)
                     AND (p.created_at, p.id) > (a.created_at, a.id)
                   ORDER BY p.created_at, p.id
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
