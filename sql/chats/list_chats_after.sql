-- name: list_chats_after :scalar
-- Keyset page: the chats created after a given chat id, in creation order, as a JSON array.
-- $1 after_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- returns: [{id, title, created_at, message_count}, ...] as text
SELECT coalesce(
    json_agg(
        json_build_object(
            'id', id,
            'title', title,
            'created_at', created_at,
            'message_count', message_count
        )
        ORDER BY id
    ),
    '[]'::json
)::text
FROM (
    SELECT id, title, created_at, message_count
    FROM chats
    WHERE id > $1::bigint
    ORDER BY id
    OFFSET $2::bigint
    LIMIT $3::integer
) AS page;
