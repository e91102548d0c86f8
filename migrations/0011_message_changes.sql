-- Messages people can change: edits (edited_at, revision), deletions that live feeds can
-- replay (message_tombstones), replies (reply_to) and chat renames (title_revision).
--
-- Live feed event ids: a message's event is its id; an edit, a deletion and a rename each take
-- the next value of messages_id_seq as their event id, so one sequence orders every change and
-- the message ids clients already hold stay valid Last-Event-IDs. A change takes its value
-- after locking the chat row, like a post, so within a chat event ids follow commit order.
--
-- Every column is nullable without a default (no rewrite); the reply_to foreign key is added
-- NOT VALID (no scan under the lock) and validated by 0012, which also builds its index and
-- the full-text index concurrently.
-- depends: 0010_api_keys_and_authors

SET lock_timeout = '3s';
SET statement_timeout = '10s';

ALTER TABLE messages ADD COLUMN edited_at timestamptz;
ALTER TABLE messages ADD COLUMN revision bigint;
ALTER TABLE messages ADD COLUMN reply_to bigint;
ALTER TABLE messages
    ADD CONSTRAINT messages_reply_to_fkey FOREIGN KEY (reply_to)
    REFERENCES messages (id) ON DELETE SET NULL NOT VALID;

COMMENT ON COLUMN messages.edited_at IS 'When the text last changed; NULL: never edited.';
COMMENT ON COLUMN messages.revision IS
    'Event id of the latest edit (from messages_id_seq); NULL: never edited.';
COMMENT ON COLUMN messages.reply_to IS
    'The message (of the same chat) this one answers; NULL when none or when it was deleted.';

ALTER TABLE chats ADD COLUMN title_revision bigint;

COMMENT ON COLUMN chats.title_revision IS
    'Event id of the latest rename (from messages_id_seq); NULL: never renamed.';

CREATE TABLE message_tombstones (
    revision   bigint      PRIMARY KEY,
    chat_id    bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    message_id bigint      NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX message_tombstones_chat_id_revision_idx ON message_tombstones (chat_id, revision);

COMMENT ON TABLE message_tombstones IS
    'Deleted messages, so a live feed resuming with Last-Event-ID learns of the deletion.';

-- What an Idempotency-Key is bound to: the text, and the message replied to when there is one
-- (a post without reply_to hashes as before 0011, so keys recorded then still match).
CREATE FUNCTION request_hash(body text, reply_to bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN reply_to IS NULL THEN sha256(convert_to(body, 'UTF8'))
        ELSE sha256(sha256(convert_to(body, 'UTF8')) || convert_to(reply_to::text, 'UTF8'))
    END
$$;
