-- name: follow_chat :exec
-- Records that this process follows a chat, so its changes are announced (NOTIFY). Waits for
-- the writes in progress in the chat (it takes a share lock on the chat row, which every
-- write of the chat locks first): they commit before this does, so the catch-up the feed
-- reads next has them, and every later write sees the follower (chat_is_followed, migration
-- 0015). A chat that does not exist is not recorded.
-- $1 chat_id bigint
-- $2 listener_pid integer: backend pid of this process's LISTEN connection
-- returns: nothing
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    WHERE c.id = $1::bigint
    FOR SHARE
)

INSERT INTO chat_followers (chat_id, listener_pid)
SELECT chat.id AS chat_id, $2::integer AS listener_pid
FROM chat
ON CONFLICT DO NOTHING;
