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
                message_json(
                    m.message,
                    CASE WHEN $3::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                    $3::text
                )
                ORDER BY (m.message).created_at DESC, (m.message).id DESC
            )
            FROM (
                SELECT row(messages.*)::messages AS message
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
