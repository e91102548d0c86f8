-- transactional: false
-- Fills in what 0013 added for the data that existed before it, without holding a lock on a
-- live table: every batch commits on its own, and every statement is safe to run again.
--   * chats.deleted_revision: the newest tombstone of each chat (greatest() keeps a newer one
--     a deletion recorded meanwhile).
--   * chats.last_message_*: the newest message of each chat that has none recorded (posts
--     since 0013 record their own; the WHERE re-checks under the row lock, so a post that
--     commits meanwhile wins).
--   * users: every author of an existing message becomes a user, first seen when its first
--     message was posted (authors longer than a user id can be are left as they are).
--   * the NOT VALID checks of 0013 are validated (a scan that lets reads and writes go on).
-- depends: 0013_people

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DO $$
DECLARE
    batch_start bigint := 0;
    last_chat bigint := (SELECT coalesce(max(id), 0) FROM chats);
BEGIN
    WHILE batch_start <= last_chat LOOP
        UPDATE chats AS c
           SET deleted_revision = greatest(c.deleted_revision, t.newest)
          FROM (
              SELECT t.chat_id, max(t.revision) AS newest
              FROM message_tombstones AS t
              WHERE t.chat_id BETWEEN batch_start AND batch_start + 999
              GROUP BY t.chat_id
          ) AS t
         WHERE c.id = t.chat_id
           AND c.deleted_revision < t.newest;
        UPDATE chats AS c
           SET last_message_id = newest.id,
               last_message_at = newest.created_at
          FROM chats AS pending
          CROSS JOIN LATERAL (
              SELECT m.id, m.created_at
              FROM messages AS m
              WHERE m.chat_id = pending.id
              ORDER BY m.created_at DESC, m.id DESC
              LIMIT 1
          ) AS newest
         WHERE pending.id BETWEEN batch_start AND batch_start + 999
           AND pending.last_message_id IS NULL
           AND c.id = pending.id
           AND c.last_message_id IS NULL;
        COMMIT;
        batch_start := batch_start + 1000;
    END LOOP;
END
$$;

DO $$
DECLARE
    batch_start bigint := 0;
    last_message bigint := (SELECT coalesce(max(id), 0) FROM messages);
BEGIN
    WHILE batch_start <= last_message LOOP
        INSERT INTO users AS u (id, created_at)
        SELECT m.author, min(m.created_at)
        FROM messages AS m
        WHERE m.id BETWEEN batch_start AND batch_start + 49999
          AND char_length(m.author) BETWEEN 1 AND 255
        GROUP BY m.author
        ON CONFLICT (id) DO UPDATE SET created_at = least(u.created_at, excluded.created_at);
        COMMIT;
        batch_start := batch_start + 50000;
    END LOOP;
END
$$;

-- Validating again after a failure is harmless: it only scans.
-- squawk-ignore prefer-robust-stmts
ALTER TABLE chats VALIDATE CONSTRAINT chats_visibility;
-- squawk-ignore prefer-robust-stmts
ALTER TABLE api_keys VALIDATE CONSTRAINT api_keys_user_id_length;
