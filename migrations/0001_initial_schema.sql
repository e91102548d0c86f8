-- Chats and the messages posted into them.
-- depends:

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE chats (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    message_count bigint      NOT NULL DEFAULT 0,
    CONSTRAINT chats_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    CONSTRAINT chats_message_count_not_negative CHECK (message_count >= 0)
-- Every new message updates its chat's message_count; free space on each page lets those
-- updates stay HOT (no index churn).
) WITH (fillfactor = 80);

COMMENT ON TABLE chats IS 'A chat room; its messages live in messages and go with it on delete.';
COMMENT ON COLUMN chats.message_count IS
    'Exact number of messages in the chat, maintained by the messages_count_* triggers.';

CREATE TABLE messages (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id    bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_text_length CHECK (char_length(text) BETWEEN 1 AND 5000)
);

COMMENT ON TABLE messages IS 'A message posted into a chat.';

-- Serves "a chat's messages, newest first" (ORDER BY created_at DESC, id DESC) and the
-- ON DELETE CASCADE lookup by chat_id.
CREATE INDEX messages_chat_id_created_at_id_idx ON messages (chat_id, created_at DESC, id DESC);

-- Statement-level triggers with transition tables keep message_count exact for every insert
-- path (single posts, multi-row INSERT, COPY) with one UPDATE per chat and statement.
CREATE FUNCTION messages_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added
      FROM (SELECT chat_id, count(*) AS added FROM inserted_messages GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION messages_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count - n.removed
      FROM (SELECT chat_id, count(*) AS removed FROM deleted_messages GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER messages_count_after_insert
    AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_count_inserted();

CREATE TRIGGER messages_count_after_delete
    AFTER DELETE ON messages
    REFERENCING OLD TABLE AS deleted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_count_deleted();
