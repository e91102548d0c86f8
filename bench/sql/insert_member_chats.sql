-- name: insert_member_chats :many
-- Creates chats for one member (recorded if new), each with one message by someone else, so
-- the member has one unread message in each and the inbox has an order to keep.
-- $1 user_id text
-- $2 chats integer: how many
-- returns: id of each chat
WITH person AS (
    INSERT INTO users (id) VALUES ($1::text) ON CONFLICT (id) DO NOTHING
),
created AS (
    INSERT INTO chats (title)
    SELECT 'inbox ' || n AS title FROM generate_series(1, $2::integer) AS n
    RETURNING id
),
joined AS (
    INSERT INTO chat_members (chat_id, user_id, role)
    SELECT created.id AS chat_id, $1::text AS user_id, 'member' AS role FROM created
)
SELECT created.id FROM created;
