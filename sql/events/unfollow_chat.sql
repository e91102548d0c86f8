-- name: unfollow_chat :exec
-- This process no longer follows a chat.
-- $1 chat_id bigint
-- $2 listener_pid integer: backend pid of this process's LISTEN connection
-- returns: nothing
DELETE FROM chat_followers
WHERE chat_id = $1::bigint
  AND listener_pid = $2::integer;
