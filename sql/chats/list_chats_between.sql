-- name: list_chats_between :scalar
-- Keyset page: the chats created after one chat id and before another, in creation order, as
-- a JSON array (the page starts right after after_id).
-- $1 after_id bigint
-- $2 before_id bigint
-- $3 skip bigint: rows to skip
-- $4 limit integer: page size
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
      AND id < $2::bigint
    ORDER BY id
    OFFSET $3::bigint
    LIMIT $4::integer
) AS page;
