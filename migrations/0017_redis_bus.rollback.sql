-- Back to 0016: its functions as they were, without the Redis bus's column and sequence.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE OR REPLACE FUNCTION event_log_chat_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, user_id, event)
    SELECT old.id, m.user_id, 'chat_deleted' FROM chat_members AS m WHERE m.chat_id = old.id;
    RETURN old;
END;
$$;

CREATE OR REPLACE FUNCTION user_is_followed(followed_user_id text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM user_followers AS f WHERE f.user_id = followed_user_id);
END;
$$;

ALTER TABLE user_followers DROP COLUMN notified;

DROP SEQUENCE bus_process_ids;
