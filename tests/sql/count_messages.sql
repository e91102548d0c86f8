-- name: count_messages :scalar
-- How many messages a chat really has (tests compare it with message_count).
-- $1 chat_id bigint
-- returns: count
SELECT count(*) FROM messages WHERE chat_id = $1::bigint;
