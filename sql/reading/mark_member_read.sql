-- name: mark_member_read :one
-- Moves a member's read position forward to the newest message of the chat at or below an
-- id (never back, never past the newest message). What stays unread is counted from the
-- messages above the new position, so the cost is what stays unread, not what is marked;
-- read_base and read_revision are recorded so later counts need no counting (0013). Run it
-- after lock_chat in the same transaction (as mark_read).
-- Logs a `read` event for the member's user feeds (event_log, migration 0016).
-- $1 chat_id bigint
-- $2 user_id text: the member
-- $3 up_to_id bigint: the newest message to mark
-- returns: updated (how many messages changed from unread to read) and unread_count; no row
--   when the user is not a member (or the chat does not exist)
WITH me AS (
    SELECT cm.chat_id, cm.last_read_id, c.message_count, c.deleted_revision,
           member_unread(
               c.id, c.message_count, c.deleted_revision, cm.last_read_id, cm.read_base,
               cm.read_revision
           ) AS unread_before
    FROM chat_members AS cm
    JOIN chats AS c ON cm.chat_id = c.id
    WHERE cm.chat_id = $1::bigint AND cm.user_id = $2::text
),
target AS (
    SELECT me.chat_id, me.message_count, me.deleted_revision, me.unread_before,
           greatest(
               me.last_read_id,
               (
                   SELECT coalesce(max(m.id), 0)
                   FROM messages AS m
                   WHERE m.chat_id = me.chat_id AND m.id <= $3::bigint
               )
           ) AS position
    FROM me
),
counted AS (
    SELECT target.chat_id, target.message_count, target.deleted_revision,
           target.unread_before, target.position,
           (
               SELECT count(*)
               FROM messages AS m
               WHERE m.chat_id = target.chat_id AND m.id > target.position
           ) AS unread_after
    FROM target
),
moved AS (
    UPDATE chat_members AS cm
       SET last_read_id = counted.position,
           read_base = counted.message_count - counted.unread_after,
           read_revision = counted.deleted_revision
      FROM counted
     WHERE cm.chat_id = counted.chat_id AND cm.user_id = $2::text
    RETURNING counted.unread_before, counted.unread_after, counted.position
),
-- The member's other devices hear of it (GET /me/events): logged, and announced to the
-- processes that hold a feed of theirs.
logged AS (
    INSERT INTO event_log (chat_id, user_id, event, data)
    SELECT $1::bigint AS chat_id, $2::text AS user_id, 'read' AS event,
           jsonb_build_object(
               'last_read_id', moved.position, 'unread_count', moved.unread_after
           ) AS data
    FROM moved
),
announced AS (
    SELECT pg_notify('user_events', $2::text) AS sent
    FROM moved
    WHERE user_is_followed($2::text)
),
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT moved.unread_before - moved.unread_after AS updated, moved.unread_after AS unread_count
FROM moved
CROSS JOIN notified;
