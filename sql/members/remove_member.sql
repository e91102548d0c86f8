-- name: remove_member :one
-- Takes a member out of a chat. Followed chats are announced ("<chat_id>:left:<user_id>")
-- when the transaction commits, so every process ends that member's feeds of the chat.
-- $1 chat_id bigint
-- $2 user_id text
-- returns: user_id; no row when the user was not a member
WITH removed AS (
    DELETE FROM chat_members AS cm
    WHERE cm.chat_id = $1::bigint AND cm.user_id = $2::text
    RETURNING cm.chat_id, cm.user_id
),
announced AS (
    SELECT pg_notify('chat_events', r.chat_id || ':left:' || r.user_id) AS sent
    FROM removed AS r
    WHERE EXISTS (SELECT 1 FROM chat_followers AS f WHERE f.chat_id = r.chat_id)
),
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT r.user_id FROM removed AS r CROSS JOIN notified;
