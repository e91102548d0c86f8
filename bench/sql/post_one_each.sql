-- name: post_one_each :exec
-- One message into each of these chats, in one statement (the triggers keep each chat's
-- counters and newest message).
-- $1 chat_ids bigint[]
-- returns: nothing
INSERT INTO messages (chat_id, text, author)
SELECT c.id AS chat_id, 'hello ' || c.id AS text, 'someone' AS author
FROM unnest($1::bigint []) AS c (id);
