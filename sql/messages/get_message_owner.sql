-- name: get_message_owner :one
-- Whose message it is and where, to decide who may edit or delete it.
-- $1 message_id bigint
-- $2 viewer text: the caller's user id (NULL when authentication is off)
-- returns: chat_id, author, visibility (of its chat), role (the viewer's in that chat; NULL:
--   not a member); no row when the message does not exist
SELECT m.chat_id, m.author, c.visibility, me.role
FROM messages AS m
JOIN chats AS c ON m.chat_id = c.id
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $2::text
WHERE m.id = $1::bigint;
