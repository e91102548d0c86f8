-- name: put_member :one
-- Adds a user (recorded as a user if new) to a chat with a role, or gives a member that
-- role. A new member has read the chat up to its newest message: only what comes after is
-- unread. Run it after lock_chat in the same transaction, so the position and read_base
-- agree with the posts that committed first.
-- $1 chat_id bigint
-- $2 user_id text: 1-255 characters
-- $3 role text: owner or member
-- $4 keep_role boolean: true leaves an existing member's role as it is (joining)
-- returns: added (true when the user was not a member), role (as it is now); no row when
--   the chat does not exist
WITH chat AS (
    SELECT c.id, c.message_count, c.deleted_revision,
           (SELECT coalesce(max(m.id), 0) FROM messages AS m WHERE m.chat_id = c.id) AS newest
    FROM chats AS c
    WHERE c.id = $1::bigint
),
person AS (
    INSERT INTO users (id)
    SELECT $2::text AS id
    FROM chat
    ON CONFLICT (id) DO NOTHING
),
member AS (
    INSERT INTO chat_members AS cm (chat_id, user_id, role, last_read_id, read_base, read_revision)
    SELECT chat.id AS chat_id, $2::text AS user_id, $3::text AS role, chat.newest AS last_read_id,
           chat.message_count AS read_base, chat.deleted_revision AS read_revision
    FROM chat
    ON CONFLICT (chat_id, user_id) DO UPDATE
        SET role = CASE WHEN $4::boolean THEN cm.role ELSE excluded.role END
    RETURNING cm.xmax = 0 AS added, cm.role
)
SELECT member.added, member.role FROM member;
