-- name: mark_unread :one
-- Moves the chat's shared read position (AUTH_MODE=none) back so that a message and
-- everything after it are unread; a position already before it stays. unread_count is
-- recounted from the messages above the new position. Run it after lock_chat in the same
-- transaction (as mark_read).
-- $1 chat_id bigint
-- $2 from_id bigint: the first message to be unread
-- returns: updated (how many messages changed from read to unread) and unread_count; no row
--   when the chat does not exist
WITH target AS (
    SELECT c.id, c.unread_count AS unread_before, least(c.last_read_id, $2::bigint - 1) AS position
    FROM chats AS c
    WHERE c.id = $1::bigint
),
counted AS (
    SELECT target.id, target.unread_before, target.position,
           (
               SELECT count(*)
               FROM messages AS m
               WHERE m.chat_id = target.id AND m.id > target.position
           ) AS unread_after
    FROM target
),
moved AS (
    UPDATE chats AS c
       SET last_read_id = counted.position,
           unread_count = counted.unread_after
      FROM counted
     WHERE c.id = counted.id
    RETURNING counted.unread_before, counted.unread_after
)
SELECT moved.unread_after - moved.unread_before AS updated, moved.unread_after AS unread_count
FROM moved;
