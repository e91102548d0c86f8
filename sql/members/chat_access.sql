-- name: chat_access :one
-- What the service needs to decide whether a caller may act on a chat: the chat's
-- visibility, the caller's role in it, how many owners it has (a chat keeps one), and
-- whether its members may pin.
-- $1 chat_id bigint
-- $2 user_id text: the caller (or the member acted on); NULL: nobody
-- returns: visibility, role (NULL: not a member), owners, members_can_pin; no row when the
--   chat does not exist
SELECT c.visibility,
       me.role,
       (
           SELECT count(*)
           FROM chat_members AS o
           WHERE o.chat_id = c.id AND o.role = 'owner'
       ) AS owners,
       c.members_can_pin
FROM chats AS c
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $2::text
WHERE c.id = $1::bigint;
