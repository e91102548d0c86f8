-- name: count_followers :scalar
-- How many processes follow a chat for live events.
-- $1 chat_id bigint
-- returns: count
SELECT count(*) FROM chat_followers WHERE chat_id = $1::bigint;
