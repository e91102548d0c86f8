-- Drops what 0005_read_markers created and restores the counting triggers of 0001.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TRIGGER IF EXISTS messages_count_after_update ON messages;
DROP FUNCTION IF EXISTS messages_count_updated();

CREATE OR REPLACE FUNCTION messages_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added
      FROM (SELECT chat_id, count(*) AS added FROM inserted_messages GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION messages_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count - n.removed
      FROM (SELECT chat_id, count(*) AS removed FROM deleted_messages GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

DROP INDEX CONCURRENTLY IF EXISTS messages_unread_idx;
ALTER TABLE chats DROP CONSTRAINT IF EXISTS chats_unread_count_in_range;
ALTER TABLE chats DROP COLUMN IF EXISTS unread_count;
ALTER TABLE messages DROP COLUMN IF EXISTS is_read;
