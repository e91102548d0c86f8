-- name: which_members :many
-- Which of some user ids are members of a chat (a post's mentions must be).
-- $1 chat_id bigint
-- $2 user_ids text[]
-- returns: user_id, one row per member among them
SELECT cm.user_id
FROM chat_members AS cm
WHERE cm.chat_id = $1::bigint AND cm.user_id = any($2::text []);
