-- name: list_messages_since :scalar
-- A live feed's catch-up page: the chat's messages with ids above an id, oldest first, as a
-- JSON array. Index-backed (messages_chat_id_id_idx) at any depth.
-- $1 chat_id bigint
-- $2 after_id bigint: the last message id the client has; 0 from the chat's first message
-- $3 limit integer: page size
-- returns: NULL when the chat does not exist; otherwise
--   [{id, chat_id, text, created_at, is_read}, ...] as text
SELECT coalesce(
    (
        SELECT json_agg(
            json_build_object(
                'id', m.id,
                'chat_id', m.chat_id,
                'text', m.text,
                'created_at', api_time(m.created_at),
                'is_read', m.id <= c.last_read_id
            )
            ORDER BY m.id
        )
        FROM (
            SELECT p.id, p.chat_id, p.text, p.created_at
            FROM messages AS p
            WHERE p.chat_id = c.id AND p.id > $2::bigint
            ORDER BY p.id
            LIMIT $3::integer
        ) AS m
    ),
    '[]'::json
)::text AS messages
FROM chats AS c
WHERE c.id = $1::bigint;
