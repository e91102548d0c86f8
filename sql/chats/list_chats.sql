-- name: list_chats :many
-- One page of chats in creation order.
-- $1 skip bigint: rows to skip
-- $2 limit integer: page size
-- returns: id, title, created_at, message_count
SELECT id, title, created_at, message_count
FROM chats
ORDER BY id
OFFSET $1::bigint
LIMIT $2::integer;
