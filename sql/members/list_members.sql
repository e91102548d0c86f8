-- name: list_members :many
-- One page of a chat's members in user id order (keyset: the primary key serves it at any
-- depth), with what "seen by" needs: each member's read position; and whether each has a
-- user feed open on a live process (online: as sql/events/user_online.sql). Run on the
-- primary: user_followers is unlogged, so a standby has none.
-- $1 chat_id bigint
-- $2 after_user_id text: the page starts after this user id ('' from the first)
-- $3 limit integer: page size
-- returns: user_id, display_name, role, joined_at, last_read_id, online
SELECT cm.user_id, u.display_name, cm.role, cm.joined_at, cm.last_read_id,
       (
           SELECT count(*)
           FROM user_followers AS f
           WHERE f.user_id = cm.user_id
             AND f.seen_at >= clock_timestamp() - interval '15 seconds'
       ) > 0 AS online
FROM chat_members AS cm
JOIN users AS u ON cm.user_id = u.id
WHERE cm.chat_id = $1::bigint
  AND cm.user_id > $2::text
ORDER BY cm.user_id
LIMIT $3::integer;
