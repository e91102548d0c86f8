-- name: get_message :scalar
-- One message by id, when the viewer may see its chat; or, for a deleted thread root that
-- still has replies, its tombstone (deleted, no text: the thread still hangs from it).
-- $1 message_id bigint
-- $2 viewer text: the caller's user id; NULL when authentication is off (every chat is open
--   to everyone, and is_read follows the chat's shared position)
-- $3 admin boolean: the caller has the admin scope, which sees every chat
-- returns: the message as message_json (migration 0019) builds it, as text (is_read NULL for a
--   viewer who is not a member); NULL when there is no such message or the viewer may not see
--   its chat
WITH visible AS (
    SELECT c.id,
           CASE WHEN $2::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS read_id
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $2::text
    WHERE c.id = coalesce(
        (SELECT m.chat_id FROM messages AS m WHERE m.id = $1::bigint),
        (SELECT t.chat_id FROM thread_roots AS t WHERE t.root_id = $1::bigint)
    )
      AND ($2::text IS NULL OR $3::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
)
SELECT coalesce(
    (
        SELECT message_json(m.*, v.read_id, $2::text)
        FROM messages AS m
        WHERE m.id = $1::bigint
    ),
    (
        SELECT json_build_object(
            'id', t.root_id,
            'chat_id', t.chat_id,
            'text', NULL,
            'created_at', api_time(t.root_created_at),
            'is_read', t.root_id <= v.read_id,
            'author', NULL,
            'edited_at', NULL,
            'reply_to', NULL,
            'thread_id', NULL,
            'thread', thread_json(t.root_id),
            'reactions', '[]'::json,
            'pinned_at', NULL,
            'mentions', '[]'::json,
            'deleted', TRUE
        )
        FROM thread_roots AS t
        WHERE t.root_id = $1::bigint AND t.root_deleted AND t.reply_count > 0
    )
)::text
FROM visible AS v;
