-- Statistics in time proportional to the days asked for: messages per chat and UTC day, kept
-- exact by the same statement-level triggers as message_count. GET /chats/{id}/stats reads
-- whole days from here and counts only the partial days at the ends of a range.
--
-- In one short transaction: the triggers start counting, and the highest message id at that
-- moment is recorded; 0009 then counts the messages up to it, chat by chat. The lock waits for
-- posts in flight (at most lock_timeout), so each message is counted by exactly one of the two.
-- depends: 0007_read_position

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE chat_day_counts (
    chat_id  bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    day      date   NOT NULL,
    messages bigint NOT NULL,
    PRIMARY KEY (chat_id, day)
);

COMMENT ON TABLE chat_day_counts IS
    'Messages per chat and UTC day, maintained by the messages_count_* triggers.';

-- Which chats the backfill has counted, and the last message id it counts.
CREATE TABLE chat_day_counts_backfill (
    boundary_id bigint NOT NULL,
    next_chat   bigint NOT NULL
);

-- Holds posts back for the moment this transaction takes; refused after lock_timeout.
LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE;

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

-- From here on every new message is counted; 0009 counts those up to this id.
INSERT INTO chat_day_counts_backfill (boundary_id, next_chat)
SELECT coalesce(max(messages.id), 0) AS boundary_id, 0 AS next_chat FROM messages;

