-- Drops what 0013_people created and gives the counting triggers back their 0008 bodies.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

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
    INSERT INTO chat_day_counts AS d (chat_id, day, messages)
    SELECT i.chat_id, (i.created_at AT TIME ZONE 'UTC')::date, count(*)
    FROM inserted_messages AS i
    GROUP BY 1, 2
    ON CONFLICT (chat_id, day) DO UPDATE SET messages = d.messages + excluded.messages;
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
    -- A deleted chat's rows went with it (ON DELETE CASCADE): nothing left to update.
    UPDATE chat_day_counts AS c
       SET messages = c.messages - n.removed
      FROM (
          SELECT d.chat_id, (d.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS removed
          FROM deleted_messages AS d
          GROUP BY 1, 2
      ) AS n
     WHERE c.chat_id = n.chat_id
       AND c.day = n.day;
    RETURN NULL;
END;
$$;

DROP TABLE IF EXISTS chat_members;
DROP FUNCTION IF EXISTS chat_members_count_inserted();
DROP FUNCTION IF EXISTS chat_members_count_deleted();
DROP FUNCTION IF EXISTS member_unread(bigint, bigint, bigint, bigint, bigint, bigint);
DROP FUNCTION IF EXISTS unread_deleted_since(bigint, bigint, bigint);
DROP TABLE IF EXISTS users;
ALTER TABLE chats DROP COLUMN IF EXISTS deleted_revision;
ALTER TABLE chats DROP COLUMN IF EXISTS last_message_at;
ALTER TABLE chats DROP COLUMN IF EXISTS last_message_id;
ALTER TABLE chats DROP COLUMN IF EXISTS member_count;
ALTER TABLE chats DROP CONSTRAINT IF EXISTS chats_visibility;
ALTER TABLE chats DROP COLUMN IF EXISTS visibility;
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_user_id_length;
ALTER TABLE api_keys DROP COLUMN IF EXISTS user_id;
