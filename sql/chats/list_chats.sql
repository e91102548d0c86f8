-- name: list_chats :scalar
-- One page of chats in creation order, as a JSON array built in the database (one value to
-- decode instead of a row per chat; the service validates it against its response model).
-- $1 skip bigint: rows to skip
-- $2 limit integer: page size
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
    ORDER BY id
    OFFSET $1::bigint
    LIMIT $2::integer
) AS page;
