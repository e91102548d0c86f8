-- name: add_mentions :exec
-- Mentions of two users in each of these messages (the bench's service runs without
-- authentication, where nobody can be mentioned through the API).
-- $1 message_ids bigint[]
-- returns: nothing
INSERT INTO message_mentions (message_id, user_id, chat_id, ordinal)
SELECT m.id AS message_id, who.user_id, m.chat_id, who.ordinal
FROM messages AS m
CROSS JOIN (VALUES ('ann', 1), ('bob', 2)) AS who (user_id, ordinal)
WHERE m.id = any($1::bigint []);
