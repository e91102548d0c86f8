-- name: remove_member :one
-- Takes a member out of a chat. Followed chats are announced ("<chat_id>:left:<user_id>")
-- when the transaction commits, so every process ends that member's feeds of the chat. The
-- chat row is locked first, as posts lock it (before the member's row) and follow_chat waits
-- for it: so a post by the member cannot deadlock with this, and a feed that starts following
-- meanwhile is seen by chat_is_followed.
-- $1 chat_id bigint
-- $2 user_id text
-- returns: user_id; no row when the user was not a member
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    WHERE c.id = $1::bigint
    FOR NO KEY UPDATE
),
removed AS (
    DELETE FROM chat_members AS cm
    USING chat
    WHERE cm.chat_id = chat.id AND cm.user_id = $2::text
    RETURNING cm.chat_id, cm.user_id
),
announced AS (
    SELECT pg_notify('chat_events', r.chat_id || ':left:' || r.user_id) AS sent
    FROM removed AS r
    WHERE chat_is_followed(r.chat_id)
),
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT r.user_id FROM removed AS r CROSS JOIN notified;
