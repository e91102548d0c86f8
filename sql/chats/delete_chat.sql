-- name: delete_chat :scalar
-- Deletes a chat; ON DELETE CASCADE removes its messages.
-- $1 chat_id bigint
-- returns: the deleted chat's id, or NULL when there was no such chat
DELETE FROM chats
WHERE id = $1::bigint
RETURNING id;
