-- name: create_chat :one
-- Creates a chat with no messages; with a creator, the creator (recorded as a user if new)
-- becomes its owner, the only member, with nothing unread. The chat_members trigger counts
-- the member after the statement, so member_count is answered from what was inserted.
-- $1 title text: already trimmed and validated (1-200 characters)
-- $2 visibility text: private or public
-- $3 creator text: the caller's user id; NULL when authentication is off (no owner)
-- returns: id, title, created_at, message_count, unread_count, visibility, member_count
WITH chat AS (
    INSERT INTO chats (title, visibility)
    VALUES ($1::text, $2::text)
    RETURNING id, title, created_at, message_count, unread_count, visibility
),
creator AS (
    INSERT INTO users (id)
    SELECT $3::text AS id
    WHERE $3::text IS NOT NULL
    ON CONFLICT (id) DO NOTHING
),
owner AS (
    INSERT INTO chat_members (chat_id, user_id, role)
    SELECT chat.id AS chat_id, $3::text AS user_id, 'owner' AS role
    FROM chat
    WHERE $3::text IS NOT NULL
    RETURNING chat_id
)
SELECT c.id, c.title, c.created_at, c.message_count, c.unread_count, c.visibility,
       (SELECT count(*) FROM owner) AS member_count
FROM chat AS c;
