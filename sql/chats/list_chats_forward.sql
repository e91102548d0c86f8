-- name: list_chats_forward :scalar
-- One page of chats in creation order, between two ids (exclusive), as a JSON array built in
-- the database; the service validates it against its response model. Without keyset
-- parameters the bounds are 0 and 2^63-1, so one index range scan serves every case.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 after_id bigint: the page starts after this id (0: from the first chat)
-- $2 before_id bigint: and stays below this id (9223372036854775807: no bound)
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
    WHERE id > $1::bigint
      AND id < $2::bigint
    ORDER BY id
    LIMIT (SELECT $4::integer)
    OFFSET (SELECT $3::bigint)
) AS page;
