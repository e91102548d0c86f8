-- name: chats_of_user :many
-- The chats a user (whose presence changed) is a member of: each process tells the user feeds
-- it holds in those chats. By the (user_id, chat_id) index; grows with the user's chats only.
-- $1 user_id text
-- returns: chat_id
SELECT m.chat_id FROM chat_members AS m WHERE m.user_id = $1::text;
