-- name: follow_user :many
-- Records that this process holds a user feed of a user (the user is online; with $3, changes
-- addressed to the user are announced on user_events) and, with $3, follows every chat the
-- user is a member of, in one statement: connecting costs the same whatever the number of
-- chats. Announcements only wake the feed up; what it delivers it reads from event_log by
-- snapshot, so an announcement that races with this is late at worst, never lost.
-- $1 user_id text
-- $2 listener_pid integer: backend pid of this process's LISTEN connection (on the Redis
--    bus: the process's id from bus_process_ids)
-- $3 notified boolean: false on the Redis bus, where the database announces nothing
-- returns: chat_id, one row per chat the user is a member of
WITH registered AS (
    INSERT INTO user_followers (user_id, listener_pid, notified)
    VALUES ($1::text, $2::integer, $3::boolean)
    ON CONFLICT (user_id, listener_pid) DO UPDATE SET seen_at = excluded.seen_at
),
chats_of_user AS (
    SELECT m.chat_id FROM chat_members AS m WHERE m.user_id = $1::text
),
followed AS (
    INSERT INTO chat_followers (chat_id, listener_pid)
    SELECT c.chat_id, $2::integer AS listener_pid
    FROM chats_of_user AS c
    WHERE $3::boolean
    ON CONFLICT DO NOTHING
)
SELECT c.chat_id FROM chats_of_user AS c;
