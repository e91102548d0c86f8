-- name: follow_chat :exec
-- Records that this process follows a chat, so its new messages are announced (NOTIFY).
-- $1 chat_id bigint
-- $2 listener_pid integer: backend pid of this process's LISTEN connection
-- returns: nothing
INSERT INTO chat_followers (chat_id, listener_pid)
VALUES ($1::bigint, $2::integer)
ON CONFLICT DO NOTHING;
