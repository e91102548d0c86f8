-- name: add_members :exec
-- Makes users (recorded if new) members of a range of chats, each having read its chat up to
-- its newest message, or nothing at all.
-- $1 user_ids text[]: the users
-- $2 first_chat bigint: the range of chats, inclusive
-- $3 last_chat bigint
-- $4 read_all boolean: true: read up to the newest message; false: nothing read yet
-- returns: nothing
WITH people AS (
    INSERT INTO users (id)
    SELECT u.id FROM unnest($1::text []) AS u (id)
    ON CONFLICT (id) DO NOTHING
)
INSERT INTO chat_members (chat_id, user_id, role, last_read_id, read_base, read_revision)
SELECT c.id AS chat_id, u.id AS user_id, 'member' AS role,
       CASE WHEN $4::boolean THEN coalesce(c.last_message_id, 0) ELSE 0 END AS last_read_id,
       CASE WHEN $4::boolean THEN c.message_count ELSE 0 END AS read_base,
       CASE WHEN $4::boolean THEN c.deleted_revision ELSE 0 END AS read_revision
FROM chats AS c
CROSS JOIN unnest($1::text []) AS u (id)
WHERE c.id BETWEEN $2::bigint AND $3::bigint
ON CONFLICT (chat_id, user_id) DO NOTHING;
