-- name: insert_simultaneous_messages :exec
-- Inserts n messages in one statement, so they share created_at (now() is per transaction).
-- $1 chat_id bigint
-- $2 n integer
INSERT INTO messages (chat_id, text)
SELECT $1::bigint AS chat_id, 'message ' || g AS text FROM generate_series(1, $2::integer) AS g;
