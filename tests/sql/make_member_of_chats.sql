-- name: make_member_of_chats :exec
-- Makes a user (already recorded) the owner of that many new private chats at once.
-- $1 user_id text
-- $2 chats integer
-- returns: nothing
WITH made AS (
    INSERT INTO chats (title, visibility)
    SELECT 'chat ' || n AS title, 'private' AS visibility
    FROM generate_series(1, $2::integer) AS n
    RETURNING id
)

INSERT INTO chat_members (chat_id, user_id, role)
SELECT made.id AS chat_id, $1::text AS user_id, 'owner' AS role
FROM made;
