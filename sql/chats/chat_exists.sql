-- name: chat_exists :scalar
-- Whether a chat exists.
-- $1 chat_id bigint
-- returns: true or false
SELECT exists(SELECT 1 FROM chats AS c WHERE c.id = $1::bigint) AS found;
