-- The event log: every change a user feed (GET /me/events, /me/ws) delivers, appended in the
-- transaction that makes it, in each chat's commit order.
--
-- Positions come from one identity sequence, taken while the change holds its chat row lock,
-- so within a chat they follow commit order; across chats they do not (two posts in different
-- chats commit in either order). A feed's cursor is therefore a snapshot, not a position: it
-- names the events already delivered as "those whose transaction was visible in snapshot B"
-- (plus, within one page, those up to a position), and the next read takes the events whose
-- transaction (xid) is visible now but was not in B. Every transaction becomes visible between
-- exactly two reads, so nothing is skipped or delivered twice, whatever the commit order.
--
-- Rows with user_id set are for that user alone (chat_joined, chat_left, read, chat_deleted);
-- the others are for the chat's members, from their latest chat_joined on. Message events name the message: a replay shows it
-- as it is now. Kept EVENT_LOG_RETENTION_HOURS (chat-api prune-events removes older rows).
--
-- Typing is not logged: it is announced (channel typing_events) and forgotten.
--
-- New tables and triggers only: each CREATE TRIGGER locks its table briefly (lock_timeout).
-- depends: 0015_follow_check

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE event_log (
    position   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    chat_id    bigint      NOT NULL,
    user_id    text,
    event      text        NOT NULL,
    message_id bigint,
    data       jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_log_event CHECK (event IN (
        'message', 'message_edited', 'message_deleted', 'chat_renamed', 'chat_deleted',
        'member_joined', 'member_left', 'chat_joined', 'chat_left', 'read'
    ))
);

COMMENT ON TABLE event_log IS
    'Every change user feeds deliver; read by snapshot (xid), see migration 0016.';

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX event_log_xid_idx ON event_log (xid);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX event_log_created_at_idx ON event_log USING brin (created_at);
-- The rows addressed to one user (chat_joined, read, ...): where a member's history in a chat
-- starts (its latest chat_joined), without an entry per message.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX event_log_user_idx ON event_log (user_id, chat_id, position)
WHERE user_id IS NOT NULL;

-- Which users have a user feed open, by the backend pid of each process's LISTEN connection
-- (like chat_followers): changes addressed to them are announced on user_events. It is also
-- who is online: each process refreshes seen_at of its rows every few seconds, and a row
-- not refreshed for 15 s (its process died) is swept.
CREATE UNLOGGED TABLE user_followers (
    user_id      text        NOT NULL,
    -- pg_backend_pid() is an integer.
    -- squawk-ignore prefer-bigint-over-int
    listener_pid integer     NOT NULL,
    seen_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (user_id, listener_pid)
);

-- When each member last announced typing in a chat: at most one announcement per member and
-- chat per 2 s goes out (POST /chats/{id}/typing), whichever process it reaches. Ephemeral.
CREATE UNLOGGED TABLE typing_announced (
    chat_id      bigint      NOT NULL,
    user_id      text        NOT NULL,
    announced_at timestamptz NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

CREATE FUNCTION user_is_followed(followed_user_id text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM user_followers AS f WHERE f.user_id = followed_user_id);
END;
$$;

CREATE FUNCTION event_log_messages_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, event, message_id)
    SELECT i.chat_id, 'message', i.id FROM inserted_messages AS i ORDER BY i.id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION event_log_messages_edited() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, event, message_id)
    SELECT n.chat_id, 'message_edited', n.id
    FROM new_messages AS n
    JOIN old_messages AS o ON n.id = o.id
    WHERE n.text IS DISTINCT FROM o.text
    ORDER BY n.revision;
    RETURN NULL;
END;
$$;

CREATE FUNCTION event_log_messages_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, event, message_id)
    SELECT t.chat_id, 'message_deleted', t.message_id FROM new_tombstones AS t ORDER BY t.revision;
    RETURN NULL;
END;
$$;

CREATE FUNCTION event_log_chat_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, event, data)
    VALUES (new.id, 'chat_renamed', jsonb_build_object('title', new.title));
    RETURN NULL;
END;
$$;

-- Before the row goes: its members (removed by the cascade) are who must hear of it.
CREATE FUNCTION event_log_chat_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, user_id, event)
    SELECT old.id, m.user_id, 'chat_deleted' FROM chat_members AS m WHERE m.chat_id = old.id;
    RETURN old;
END;
$$;

CREATE FUNCTION event_log_members_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, user_id, event, data)
    SELECT n.chat_id, audience.user_id, audience.event,
           jsonb_build_object('user_id', n.user_id, 'role', n.role)
    FROM inserted_members AS n
    CROSS JOIN LATERAL (
        VALUES (NULL::text, 'member_joined'), (n.user_id, 'chat_joined')
    ) AS audience (user_id, event);
    PERFORM pg_notify('user_events', n.user_id)
    FROM inserted_members AS n
    WHERE user_is_followed(n.user_id);
    PERFORM pg_notify('chat_events', n.chat_id || ':changed')
    FROM (SELECT DISTINCT i.chat_id FROM inserted_members AS i) AS n
    WHERE chat_is_followed(n.chat_id);
    RETURN NULL;
END;
$$;

-- A chat's deletion removes its members too; that is chat_deleted, not a leaving.
CREATE FUNCTION event_log_members_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, user_id, event, data)
    SELECT o.chat_id, audience.user_id, audience.event,
           jsonb_build_object('user_id', o.user_id, 'role', o.role)
    FROM removed_members AS o
    CROSS JOIN LATERAL (
        VALUES (NULL::text, 'member_left'), (o.user_id, 'chat_left')
    ) AS audience (user_id, event)
    WHERE EXISTS (SELECT 1 FROM chats AS c WHERE c.id = o.chat_id);
    PERFORM pg_notify('user_events', o.user_id)
    FROM removed_members AS o
    WHERE user_is_followed(o.user_id) AND EXISTS (SELECT 1 FROM chats AS c WHERE c.id = o.chat_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER messages_log_after_insert
    AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_messages_inserted();

CREATE TRIGGER messages_log_after_update
    AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_messages_edited();

CREATE TRIGGER message_tombstones_log_after_insert
    AFTER INSERT ON message_tombstones
    REFERENCING NEW TABLE AS new_tombstones
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_messages_deleted();

CREATE TRIGGER chats_log_after_rename
    AFTER UPDATE OF title ON chats
    FOR EACH ROW
    WHEN (old.title IS DISTINCT FROM new.title)
    EXECUTE FUNCTION event_log_chat_renamed();

CREATE TRIGGER chats_log_before_delete
    BEFORE DELETE ON chats
    FOR EACH ROW EXECUTE FUNCTION event_log_chat_deleted();

-- After chat_members_count_* (triggers fire in name order): the chat row is locked by then.
CREATE TRIGGER chat_members_log_after_insert
    AFTER INSERT ON chat_members
    REFERENCING NEW TABLE AS inserted_members
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_members_added();

CREATE TRIGGER chat_members_log_after_delete
    AFTER DELETE ON chat_members
    REFERENCING OLD TABLE AS removed_members
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_members_removed();
