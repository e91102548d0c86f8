-- Whether a chat is followed, as of now rather than as of the calling statement's start.
--
-- A write announces a change only to followed chats. Its statement takes its snapshot when
-- it starts, possibly before it waits for the chat row lock; a follower registered in that
-- wait (follow_chat takes that lock too, so it waits for writes in progress) would be
-- invisible to the statement's own check, and the change would be neither announced nor in
-- the follower's catch-up, which ran before the write committed. A VOLATILE PL/pgSQL
-- function (never inlined) takes a fresh snapshot for its query, after the lock is held.
--
-- Catalog only: no table is locked.
-- depends: 0014_people_backfill

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE FUNCTION chat_is_followed(followed_chat_id bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM chat_followers AS f WHERE f.chat_id = followed_chat_id);
END;
$$;

COMMENT ON FUNCTION chat_is_followed(bigint) IS
    'Whether the chat has a follower, seeing followers committed while the caller waited for a lock.';
