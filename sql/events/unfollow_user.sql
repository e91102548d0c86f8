-- name: unfollow_user :exec
-- The process's last user feed of a user closed: changes addressed to the user are no longer
-- announced to it, nor the chats no other feed of this process follows ($3).
-- $1 user_id text
-- $2 listener_pid integer
-- $3 chat_ids bigint[]: the chats to stop following
-- returns: nothing
WITH unregistered AS (
    DELETE FROM user_followers
    WHERE user_id = $1::text AND listener_pid = $2::integer
)

DELETE FROM chat_followers
WHERE listener_pid = $2::integer AND chat_id = any($3::bigint[]);
