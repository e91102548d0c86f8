-- name: list_chats_after :many
-- Keyset page: the chats created after a given chat id, in creation order.
-- $1 after_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- returns: id, title, created_at, message_count
SELECT id, title, created_at, message_count
FROM chats
WHERE id > $1::bigint
ORDER BY id
OFFSET $2::bigint
LIMIT $3::integer;
