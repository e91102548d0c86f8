-- name: mark_read :one
-- Marks a chat's messages up to an id (inclusive) as read by moving the chat's read position
-- (last_read_id): no message row is written, whatever the number marked. The position only
-- moves forward, and never past the newest message (one posted later with a smaller id than
-- up_to_id is still unread). unread_count is recounted from the messages above the new
-- position, so the cost is what stays unread, not what is marked; marking a chat up to its
-- newest message reads two index entries. Run it after lock_chat in the same transaction: the
-- chat row is then locked (as posting locks it) before this statement's snapshot is taken, so
-- the count sees every post that committed first, and later posts wait for the mark.
-- $1 chat_id bigint
-- $2 up_to_id bigint: the newest message to mark; messages with a larger id stay as they are
-- returns: updated (how many messages changed from unread to read) and unread_count (what is
--   still unread afterwards); no row when the chat does not exist
WITH chat AS (
    SELECT c.id, c.last_read_id, c.unread_count
    FROM chats AS c
    WHERE c.id = $1::bigint
    FOR NO KEY UPDATE
),
target AS (
    SELECT chat.id,
           chat.unread_count AS unread_before,
           greatest(
               chat.last_read_id,
               (
                   SELECT coalesce(max(m.id), 0)
                   FROM messages AS m
                   WHERE m.chat_id = chat.id
                     AND m.id <= $2::bigint
               )
           ) AS position
    FROM chat
),
counted AS (
    SELECT target.id,
           target.unread_before,
           target.position,
           (
               SELECT count(*)
               FROM messages AS m
               WHERE m.chat_id = target.id
                 AND m.id > target.position
           ) AS unread_after
    FROM target
),
moved AS (
    UPDATE chats AS c
       SET last_read_id = counted.position,
           unread_count = counted.unread_after
      FROM counted
     WHERE c.id = counted.id
    RETURNING counted.unread_before, c.unread_count
)
SELECT moved.unread_before - moved.unread_count AS updated, moved.unread_count
FROM moved;
