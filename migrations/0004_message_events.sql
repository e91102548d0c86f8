-- Live events: a new message or a deleted chat is announced on the chat_events channel when
-- its transaction commits, so each service process (one LISTEN connection each) can push it
-- to the clients following that chat. Payloads are "<chat_id>:<message_id>" and
-- "<chat_id>:deleted" (message texts can exceed NOTIFY's 8000-byte payload limit).
--
-- Only followed chats are announced: PostgreSQL serialises the commits of every transaction
-- that sends a NOTIFY, which cost posting ~45% of its throughput when every insert notified.
-- depends: 0003_idempotency_keys

SET lock_timeout = '3s';
SET statement_timeout = '10s';

-- Which process (by the backend pid of its LISTEN connection) follows which chat. Lost on a
-- crash by design: processes register again when their listener reconnects.
CREATE UNLOGGED TABLE chat_followers (
    chat_id      bigint  NOT NULL,
    -- pg_backend_pid() is an integer.
    -- squawk-ignore prefer-bigint-over-int
    listener_pid integer NOT NULL,
    PRIMARY KEY (chat_id, listener_pid)
);

COMMENT ON TABLE chat_followers IS
    'Chats followed over /chats/{id}/events, by the backend pid of each process''s LISTEN connection.';

CREATE FUNCTION messages_notify_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_events', i.chat_id || ':' || i.id)
    FROM inserted_messages AS i
    WHERE EXISTS (SELECT 1 FROM chat_followers AS f WHERE f.chat_id = i.chat_id)
    ORDER BY i.id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION chats_notify_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_events', d.id || ':deleted')
    FROM deleted_chats AS d
    WHERE EXISTS (SELECT 1 FROM chat_followers AS f WHERE f.chat_id = d.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER messages_notify_after_insert
    AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_notify_inserted();

CREATE TRIGGER chats_notify_after_delete
    AFTER DELETE ON chats
    REFERENCING OLD TABLE AS deleted_chats
    FOR EACH STATEMENT EXECUTE FUNCTION chats_notify_deleted();
