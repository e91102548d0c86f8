-- transactional: false
-- Back to per-message flags (0005): the flags of messages at or below each chat's position
-- are set, chat by chat, then the 0005 triggers, the partial index and the column return.

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DO $$
DECLARE
    chat record;
BEGIN
    FOR chat IN SELECT id, last_read_id FROM chats WHERE last_read_id > 0 ORDER BY id LOOP
        UPDATE messages
           SET is_read = true
         WHERE chat_id = chat.id
           AND id <= chat.last_read_id
           AND NOT is_read;
        COMMIT;
    END LOOP;
END
$$;

DROP INDEX CONCURRENTLY IF EXISTS messages_unread_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_unread_idx ON messages (chat_id, id) WHERE NOT is_read;

SET statement_timeout = '10s';

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

DROP TRIGGER IF EXISTS messages_count_after_update ON messages;
CREATE TRIGGER messages_count_after_update
    AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS outdated_messages NEW TABLE AS updated_messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_count_updated();

ALTER TABLE chats DROP COLUMN IF EXISTS last_read_id;

DROP INDEX CONCURRENTLY IF EXISTS messages_chat_id_id_idx;
