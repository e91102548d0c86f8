-- transactional: false
-- Read markers: each message has an is_read flag, and each chat an unread_count kept exact by
-- the same statement-level triggers that keep message_count exact (one UPDATE per chat and
-- statement, whatever the insert, update or delete path). (0007 replaces the flags with a
-- per-chat read position.)
--
-- Not in a transaction, so nothing holds a lock on a live table for long: the columns come
-- with constant defaults (no rewrite), the triggers switch in one statement each, the
-- backfill commits in batches, the check is added NOT VALID and validated on its own, and the
-- index is built CONCURRENTLY. Every statement is safe to run again after a failure.
-- depends: 0004_message_events

SET lock_timeout = '3s';
SET statement_timeout = '10s';

-- A constant default: PostgreSQL 11+ adds both columns without rewriting the tables.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS is_read boolean NOT NULL DEFAULT false;
ALTER TABLE chats ADD COLUMN IF NOT EXISTS unread_count bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN messages.is_read IS 'Set by POST /chats/{id}/read; never unset.';
COMMENT ON COLUMN chats.unread_count IS
    'Exact number of the chat''s messages with is_read false, maintained by the messages_count_* triggers.';

CREATE OR REPLACE FUNCTION messages_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added,
           unread_count = c.unread_count + n.unread
      FROM (
          SELECT chat_id, count(*) AS added, count(*) FILTER (WHERE NOT is_read) AS unread
          FROM inserted_messages
          GROUP BY chat_id
      ) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION messages_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count - n.removed,
           unread_count = c.unread_count - n.unread
      FROM (
          SELECT chat_id, count(*) AS removed, count(*) FILTER (WHERE NOT is_read) AS unread
          FROM deleted_messages
          GROUP BY chat_id
      ) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

-- Any UPDATE of messages (marking read, or moving a message to another chat): the difference
-- between the rows before and after, per chat.
CREATE OR REPLACE FUNCTION messages_count_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added,
           unread_count = c.unread_count + n.unread
      FROM (
          SELECT chat_id, sum(added) AS added, sum(unread) AS unread
          FROM (
              SELECT chat_id, 1 AS added, (NOT is_read)::integer AS unread FROM updated_messages
              UNION ALL
              SELECT chat_id, -1, -(NOT is_read)::integer FROM outdated_messages
          ) AS delta
          GROUP BY chat_id
          HAVING sum(added) <> 0 OR sum(unread) <> 0
      ) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER messages_count_after_update
    AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS outdated_messages NEW TABLE AS updated_messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_count_updated();

-- Every message stored before the triggers above counted unread ones is unread: chats in
-- batches, each committed. Posts meanwhile keep both counters moving together.
SET statement_timeout = '30min';

DO $$
DECLARE
    batch_start bigint := 0;
    last_chat bigint := (SELECT coalesce(max(id), 0) FROM chats);
BEGIN
    WHILE batch_start <= last_chat LOOP
        UPDATE chats
           SET unread_count = message_count
         WHERE id BETWEEN batch_start AND batch_start + 999
           AND unread_count <> message_count;
        COMMIT;
        batch_start := batch_start + 1000;
    END LOOP;
END
$$;

-- Checked for new rows at once (NOT VALID takes a moment's lock), then for the existing ones
-- by VALIDATE, which lets reads and writes go on.
SET statement_timeout = '10s';
ALTER TABLE chats DROP CONSTRAINT IF EXISTS chats_unread_count_in_range;
ALTER TABLE chats ADD CONSTRAINT chats_unread_count_in_range
    CHECK (unread_count BETWEEN 0 AND message_count) NOT VALID;
SET statement_timeout = '30min';
ALTER TABLE chats VALIDATE CONSTRAINT chats_unread_count_in_range;

-- Serves "mark this chat's messages up to N as read": only unread rows are in it, so marking
-- again costs what is still unread, not the chat's size. Built without blocking writes; a
-- failed concurrent build leaves an INVALID index, so it is dropped first on every run.
DROP INDEX CONCURRENTLY IF EXISTS messages_unread_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_unread_idx ON messages (chat_id, id) WHERE NOT is_read;
