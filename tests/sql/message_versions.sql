-- name: message_versions :many
-- The row version (xmin) of each message of a chat: unchanged when nothing rewrote the row.
-- $1 chat_id bigint
-- returns: id, version
SELECT m.id, m.xmin::text AS version
FROM messages AS m
WHERE m.chat_id = $1::bigint
ORDER BY m.id;
