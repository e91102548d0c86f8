-- name: delete_message :one
-- Deletes a message and leaves a tombstone, so a live feed resuming later learns of it. Locks
-- the chat row first and takes the deletion's event id after, like an edit (and announces it
-- to followed chats like one). The counting
-- triggers keep message_count, unread_count and the day counts exact; replies to it keep their
-- place with reply_to set to NULL (the foreign key's ON DELETE SET NULL).
-- $1 message_id bigint
-- returns: id, chat_id, revision (the deletion's event id); no row when the message does not
--   exist
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    WHERE target.id = $1::bigint
    FOR NO KEY UPDATE OF c
),
deleted AS (
    DELETE FROM messages AS m
    USING chat
    WHERE m.id = $1::bigint AND m.chat_id = chat.id
    RETURNING m.id, m.chat_id
),
tombstone AS (
    INSERT INTO message_tombstones (revision, chat_id, message_id)
    SELECT nextval('messages_id_seq'::regclass) AS revision, d.chat_id, d.id AS message_id
    FROM deleted AS d
    RETURNING revision, chat_id, message_id
),
announced AS (
    SELECT pg_notify('chat_events', t.chat_id || ':changed') AS sent
    FROM tombstone AS t
    WHERE chat_is_followed(t.chat_id)
),
-- Referenced below, so the notifications are sent whatever the planner does.
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT t.message_id AS id, t.chat_id, t.revision
FROM tombstone AS t
CROSS JOIN notified;
