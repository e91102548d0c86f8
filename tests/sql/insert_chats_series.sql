-- name: insert_chats_series :exec
-- Inserts n chats titled 'chat <n>' in one statement (a realistic table for plan tests).
-- $1 n integer
-- returns: nothing
INSERT INTO chats (title)
SELECT 'chat ' || g AS title FROM generate_series(1, $1::integer) AS g;
