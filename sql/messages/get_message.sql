-- name: get_message :one
-- One message by id, when the viewer may see its chat.
-- $1 message_id bigint
-- $2 viewer text: the caller's user id; NULL when authentication is off (every chat is open
--   to everyone, and is_read follows the chat's shared position)
-- $3 admin boolean: the caller has the admin scope, which sees every chat
-- returns: id, chat_id, text, created_at, is_read (NULL for a viewer who is not a member),
--   author, edited_at, reply_to; no row when the message does not exist or the viewer may not
--   see its chat
SELECT m.id, m.chat_id, m.text, m.created_at,
       m.id <= CASE WHEN $2::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS is_read,
       m.author, m.edited_at, m.reply_to
FROM messages AS m
JOIN chats AS c ON m.chat_id = c.id
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $2::text
WHERE m.id = $1::bigint
  AND ($2::text IS NULL OR $3::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
