-- name: list_chats_before :many
-- Keyset page: the chats created just before a given chat id, in creation order.
-- $1 before_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- returns: id, title, created_at, message_count
SELECT id, title, created_at, message_count
FROM (
    SELECT id, title, created_at, message_count
    FROM chats
    WHERE id < $1::bigint
    ORDER BY id DESC
    OFFSET $2::bigint
    LIMIT $3::integer
) AS page
ORDER BY id;
