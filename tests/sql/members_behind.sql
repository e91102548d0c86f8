-- name: members_behind :many
-- What each member of a chat really has unread: its messages above the member's position,
-- counted (the service keeps the count instead; tests compare the two).
-- $1 chat_id bigint
-- returns: user_id, behind
SELECT cm.user_id,
       (
           SELECT count(*) FROM messages AS m
           WHERE m.chat_id = cm.chat_id AND m.id > cm.last_read_id
       ) AS behind
FROM chat_members AS cm
WHERE cm.chat_id = $1::bigint;
