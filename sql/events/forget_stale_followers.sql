-- name: forget_stale_followers :exec
-- Drops follow records (of chats and of users) of listener connections that no longer exist
-- (processes that stopped or crashed), so their chats stop paying for announcements.
-- returns: nothing
WITH stale_users AS (
    DELETE FROM user_followers
    WHERE listener_pid NOT IN (SELECT pid FROM pg_stat_activity)
)

DELETE FROM chat_followers
WHERE listener_pid NOT IN (SELECT pid FROM pg_stat_activity);
