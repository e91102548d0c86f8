-- name: list_mentions :scalar
-- The messages that mention a user, newest first, in the chats the user is a member of, as a
-- JSON array; keyset by message id, read from the mentions' own index.
-- $1 user_id text
-- $2 before_id bigint: the page starts before this message (NULL: from the newest)
-- $3 limit integer: page size
-- returns: [message_json, ...] as text, each with the user's read state
SELECT coalesce(
    json_agg(message_json(m.*, x.last_read_id, $1::text) ORDER BY x.message_id DESC),
    '[]'::json
)::text
FROM (
    SELECT mm.message_id, me.last_read_id
    FROM message_mentions AS mm
    JOIN chat_members AS me ON mm.chat_id = me.chat_id AND me.user_id = $1::text
    WHERE mm.user_id = $1::text
      AND ($2::bigint IS NULL OR mm.message_id < $2::bigint)
    ORDER BY mm.message_id DESC
    LIMIT $3::integer
) AS x
JOIN messages AS m ON x.message_id = m.id;
