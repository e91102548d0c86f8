-- name: forget_stale_followers :exec
-- Drops the chat follow records of listener connections that no longer exist (processes that
-- stopped or crashed), so their chats stop paying for announcements. User records expire by
-- age instead (sweep_user_followers), so a listener that reconnects flaps nobody offline.
-- returns: nothing
DELETE FROM chat_followers
WHERE listener_pid NOT IN (SELECT pid FROM pg_stat_activity);
