-- name: insert_messages_series :exec
-- Inserts n messages into a chat in one statement.
-- $1 chat_id bigint
-- $2 n integer
-- returns: nothing
INSERT INTO messages (chat_id, text)
SELECT $1::bigint AS chat_id, 'message ' || g AS text FROM generate_series(1, $2::integer) AS g;
