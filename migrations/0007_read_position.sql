-- transactional: false
-- Read markers without rewriting messages: each chat keeps a read position (last_read_id) and
-- a message is read when its id is at or below it (is_read is derived in the queries, as the
-- big chat systems do with a per-channel "last read"). Marking any number of messages then
-- updates one chats row. unread_count stays exact: the triggers count new and deleted
-- messages above the position, and marking recounts only what stays unread after it.
--
-- Not in a transaction, so the new index is built CONCURRENTLY (writes go on meanwhile) and the
-- backfill commits in batches. Every statement is safe to run again: if this migration fails
-- part way (lock_timeout, say), run it again. A concurrent build that fails leaves an INVALID
-- index behind, so the index is dropped first and built again on every run.
-- depends: 0006_api_time

SET lock_timeout = '3s';
SET statement_timeout = '30min';

-- Serves marking: the newest message at or below an id, and what stays unread above it.
DROP INDEX CONCURRENTLY IF EXISTS messages_chat_id_id_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_chat_id_id_idx ON messages (chat_id, id);

SET statement_timeout = '10s';

-- A constant default: no table rewrite, a moment's lock.
ALTER TABLE chats ADD COLUMN IF NOT EXISTS last_read_id bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN chats.last_read_id IS
    'Messages of the chat with an id at or below this are read (POST /chats/{id}/read).';

-- New messages, and deleted ones, count towards unread_count when they lie above the position.
CREATE OR REPLACE FUNCTION messages_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added,
           unread_count = c.unread_count + n.unread
      FROM (
          SELECT i.chat_id,
                 count(*) AS added,
                 count(*) FILTER (WHERE i.id > ch.last_read_id) AS unread
          FROM inserted_messages AS i
          JOIN chats AS ch ON ch.id = i.chat_id
          GROUP BY i.chat_id
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
          SELECT d.chat_id,
                 count(*) AS removed,
                 count(*) FILTER (WHERE d.id > ch.last_read_id) AS unread
          FROM deleted_messages AS d
          JOIN chats AS ch ON ch.id = d.chat_id
          GROUP BY d.chat_id
      ) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

-- Marking no longer updates messages, and messages never move between chats: the UPDATE
-- trigger of 0005 would only cost every future UPDATE of messages.
DROP TRIGGER IF EXISTS messages_count_after_update ON messages;
DROP FUNCTION IF EXISTS messages_count_updated();

-- The position of chats marked before this migration: read messages were always a prefix of
-- the chat by id, so it is the newest read one. In batches of chats, each committed, so no
-- lock is held for long.
DO $$
DECLARE
    batch_start bigint := 0;
    last_chat bigint := (SELECT coalesce(max(id), 0) FROM chats);
BEGIN
    WHILE batch_start <= last_chat LOOP
        UPDATE chats AS c
           SET last_read_id = (
                   SELECT max(m.id) FROM messages AS m WHERE m.chat_id = c.id AND m.is_read
               )
         WHERE c.id BETWEEN batch_start AND batch_start + 999
           AND c.unread_count < c.message_count
           AND c.last_read_id = 0;
        COMMIT;
        batch_start := batch_start + 1000;
    END LOOP;
END
$$;

-- Only marking by the old flag used it.
DROP INDEX CONCURRENTLY IF EXISTS messages_unread_idx;
