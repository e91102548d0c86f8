-- What EVENT_BUS=redis needs of the database, which then announces nothing itself (no NOTIFY
-- in any write's transaction): wake-ups go over Redis after commit, and each process reads
-- the event log by snapshot (sql/events/list_log_changes.sql).
--
-- - bus_process_ids: a process on the Redis bus has no LISTEN connection whose backend pid
--   could name it in user_followers (who is online); it takes an id from this sequence.
-- - user_followers.notified: false for such a process's rows. They still say the user is
--   online, but user_is_followed() (which decides whether a write notifies user_events)
--   ignores them. Its chats are never in chat_followers, so chat_is_followed() stays false.
-- - A deleted chat is also logged once for the chat as a whole (user_id NULL), so a log
--   reader hears of it even when the chat had no members (AUTH_MODE=none). User feeds never
--   deliver that row: its chat has no members left when it commits.
--
-- user_followers is small and UNLOGGED; a column with a constant default is a catalog change.
-- depends: 0016_event_log

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE SEQUENCE bus_process_ids AS integer CYCLE;

ALTER TABLE user_followers ADD COLUMN notified boolean NOT NULL DEFAULT true;

COMMENT ON COLUMN user_followers.notified IS
    'false: a process on the Redis bus (online only; nothing is announced by NOTIFY to it).';

CREATE OR REPLACE FUNCTION user_is_followed(followed_user_id text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM user_followers AS f WHERE f.user_id = followed_user_id AND f.notified
    );
END;
$$;

CREATE OR REPLACE FUNCTION event_log_chat_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, user_id, event)
    SELECT old.id, m.user_id, 'chat_deleted' FROM chat_members AS m WHERE m.chat_id = old.id
    UNION ALL
    SELECT old.id, NULL, 'chat_deleted';
    RETURN old;
END;
$$;
