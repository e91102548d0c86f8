-- name: get_chat_with_messages :scalar
-- A chat and its latest messages, newest first, as one JSON document built in one round trip
-- (index-backed: the cost does not grow with the chat's size). The service answers it as it
-- is, so its shape is the API's: tests hold it to the ChatWithMessages response model.
-- LIMIT reads its parameter through (SELECT $n), which keeps the cached generic plan in use
-- instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 chat_id bigint
-- $2 limit integer: how many of the latest messages
-- returns: {"chat": {id, title, created_at, message_count, unread_count},
--           "messages": [{id, chat_id, text, created_at, is_read, author,
--   edited_at, reply_to}, ...]} as text, or NULL
--          when the chat does not exist
SELECT json_build_object(
    'chat', json_build_object(
        'id', c.id,
        'title', c.title,
        'created_at', api_time(c.created_at),
        'message_count', c.message_count,
        'unread_count', c.unread_count
    ),
    'messages', coalesce(
        (
            SELECT json_agg(
                json_build_object(
                    'id', m.id,
                    'chat_id', m.chat_id,
                    'text', m.text,
                    'created_at', api_time(m.created_at),
                    'is_read', m.id <= c.last_read_id,
                    'author', m.author,
                    'edited_at', api_time(m.edited_at),
                    'reply_to', m.reply_to
                )
                ORDER BY m.created_at DESC, m.id DESC
            )
            FROM (
                SELECT messages.id, messages.chat_id, messages.text, messages.created_at,
                       messages.author, messages.edited_at, messages.reply_to
                FROM messages
                WHERE messages.chat_id = c.id
                ORDER BY messages.created_at DESC, messages.id DESC
                LIMIT (SELECT $2::integer)
            ) AS m
        ),
        '[]'::json
    )
)::text
FROM chats AS c
WHERE c.id = $1::bigint;
