-- name: rename_chat :one
-- Gives a chat a new title and takes the rename's event id from messages_id_seq (after the
-- row lock, so the chat's events keep commit order); the same title changes nothing.
-- Followed chats are announced ("<chat_id>:changed") when the transaction commits.
-- $1 chat_id bigint
-- $2 title text: already trimmed and validated (1-200 characters)
-- returns: id, title, created_at, message_count, unread_count; no row when the chat does not
--   exist
WITH renamed AS (
    UPDATE chats AS c
    SET title = $2::text,
        title_revision = nextval('messages_id_seq'::regclass)
    WHERE c.id = $1::bigint AND c.title IS DISTINCT FROM $2::text
    RETURNING c.id, c.title, c.created_at, c.message_count, c.unread_count
),
announced AS (
    SELECT pg_notify('chat_events', r.id || ':changed') AS sent
    FROM renamed AS r
    WHERE EXISTS (SELECT 1 FROM chat_followers AS f WHERE f.chat_id = r.id)
),
-- Referenced below, so the notifications are sent whatever the planner does.
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT r.id, r.title, r.created_at, r.message_count, r.unread_count
FROM renamed AS r
CROSS JOIN notified
UNION ALL
SELECT c.id, c.title, c.created_at, c.message_count, c.unread_count
FROM chats AS c
WHERE c.id = $1::bigint AND NOT EXISTS (SELECT 1 FROM renamed);
