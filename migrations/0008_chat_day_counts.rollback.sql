-- Drops the per-day counts and restores the counting triggers of 0007.

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

DROP TABLE IF EXISTS chat_day_counts_backfill;
DROP TABLE IF EXISTS chat_day_counts;
