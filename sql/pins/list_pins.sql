-- name: list_pins :scalar
-- A chat's pinned messages, most recently pinned first (at most 100 of them), as a JSON
-- array, when the viewer may see the chat.
-- $1 chat_id bigint
-- $2 viewer text: the caller's user id; NULL when authentication is off
-- $3 admin boolean: the caller has the admin scope, which sees every chat
-- returns: [message_json, ...] as text; NULL when the chat does not exist or the viewer may
--   not see it
SELECT coalesce(
    (
        SELECT json_agg(
            message_json(
                m.*, CASE WHEN $2::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                $2::text
            )
            ORDER BY p.pinned_at DESC, p.message_id DESC
        )
        FROM chat_pins AS p
        JOIN messages AS m ON p.message_id = m.id
        WHERE p.chat_id = c.id
    ),
    '[]'::json
)::text
FROM chats AS c
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $2::text
WHERE c.id = $1::bigint
  AND ($2::text IS NULL OR $3::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
