-- name: search_chats_backward :scalar
-- Keyset page backwards through a title search: the matching chats created just before an
-- id, returned in creation order, as a JSON array.
-- $1 before_id bigint
-- $2 query text: the substring to look for (case-insensitive, wildcards match literally)
-- $3 skip bigint: rows to skip
-- $4 limit integer: page size
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
      AND lower(title) LIKE '%' || replace(replace(replace(lower($2::text), '\', '\\'), '%', '\%'), '_', '\_') || '%'
    ORDER BY id DESC
    LIMIT $4::integer
    OFFSET $3::bigint
) AS page;
