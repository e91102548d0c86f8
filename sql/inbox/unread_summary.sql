-- name: unread_summary :one
-- A user's unread totals for an app badge: every message unread in all their chats, and how
-- many chats have any. One pass over the user's memberships; no message is counted unless
-- it was deleted since the member last read (0013's member_unread).
-- $1 user_id text
-- Mentions after each read position are counted from their own index (those alone).
-- returns: total_unread_count, unread_chats, unread_mentions
SELECT coalesce(sum(s.unread), 0)::bigint AS total_unread_count,
       count(*) FILTER (WHERE s.unread > 0) AS unread_chats,
       coalesce(sum(s.mentions), 0)::bigint AS unread_mentions
FROM (
    SELECT member_unread(
        c.id, c.message_count, c.deleted_revision, cm.last_read_id, cm.read_base,
        cm.read_revision
    ) AS unread,
    (
        SELECT count(*)
        FROM message_mentions AS mm
        WHERE mm.user_id = $1::text AND mm.chat_id = c.id AND mm.message_id > cm.last_read_id
    ) AS mentions
    FROM chat_members AS cm
    JOIN chats AS c ON cm.chat_id = c.id
    WHERE cm.user_id = $1::text
) AS s;
