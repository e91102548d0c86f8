-- name: list_chats_backward :scalar
-- Keyset page backwards: the chats created just before an id, returned in creation order, as
-- a JSON array.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 before_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- returns: [{id, title, created_at, message_count, unread_count}, ...] as text
SELECT coalesce(
    json_agg(
        json_build_object(
            'id', id,
            'title', title,
            'created_at', api_time(created_at),
            'message_count', message_count,
            'unread_count', unread_count
        )
        ORDER BY id
    ),
    '[]'::json
)::text
FROM (
    SELECT id, title, created_at, message_count, unread_count
    FROM chats
    WHERE id < $1::bigint
    ORDER BY id DESC
    LIMIT (SELECT $3::integer)
    OFFSET (SELECT $2::bigint)
) AS page;
