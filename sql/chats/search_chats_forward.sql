-- name: search_chats_forward :scalar
-- Chats whose title contains a string, ignoring case (Unicode-aware by the database's
-- LC_CTYPE), in creation order between two ids, as a JSON array. The trigram index
-- chats_title_trgm_idx serves the match; LIKE wildcards in the string match literally.
-- $1 after_id bigint: the page starts after this id (0: from the first chat)
-- $2 before_id bigint: and stays below this id (9223372036854775807: no bound)
-- $3 query text: the substring to look for
-- $4 skip bigint: rows to skip
-- $5 limit integer: page size
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
      AND lower(title) LIKE '%' || replace(replace(replace(lower($3::text), '\', '\\'), '%', '\%'), '_', '\_') || '%'
    ORDER BY id
    LIMIT $5::integer
    OFFSET $4::bigint
) AS page;
