-- name: co_members :many
-- Which of these users share a chat with a user (whose presence changed), by the primary key
-- of chat_members for each chat of the user.
-- $1 user_id text
-- $2 user_ids text[]: the users with a feed open on this process
-- returns: user_id
SELECT DISTINCT other.user_id
FROM chat_members AS mine
JOIN chat_members AS other ON mine.chat_id = other.chat_id
WHERE mine.user_id = $1::text
  AND other.user_id = any($2::text[])
  AND other.user_id <> $1::text;
