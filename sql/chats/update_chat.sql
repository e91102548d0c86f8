-- name: update_chat :one
-- Renames a chat, changes its visibility, whether members may pin, or any of them. A new title takes the rename's event id from
-- messages_id_seq (after the row lock, so the chat's events keep commit order); the same
-- title changes nothing. Followed chats are announced ("<chat_id>:changed") on a rename, and
-- ("<chat_id>:private") when the chat becomes private, so feeds of non-members end.
-- $1 chat_id bigint
-- $2 title text: already trimmed and validated (1-200 characters); NULL: keep it
-- $3 visibility text: private or public; NULL: keep it
-- $4 viewer text: the caller's user id, for unread_count; NULL when authentication is off
-- $5 members_can_pin boolean: NULL: keep it
-- returns: id, title, created_at, message_count, unread_count, visibility, member_count,
--   members_can_pin; no row when the chat does not exist
WITH before AS (
    SELECT c.id, c.title, c.visibility, c.members_can_pin
    FROM chats AS c
    WHERE c.id = $1::bigint
    FOR NO KEY UPDATE
),
changed AS (
    UPDATE chats AS c
    SET title = coalesce($2::text, c.title),
        title_revision = CASE
            WHEN $2::text IS DISTINCT FROM b.title AND $2::text IS NOT NULL
                THEN nextval('messages_id_seq'::regclass)
            ELSE c.title_revision
        END,
        visibility = coalesce($3::text, c.visibility),
        members_can_pin = coalesce($5::boolean, c.members_can_pin)
    FROM before AS b
    WHERE c.id = b.id
      AND (
          ($2::text IS NOT NULL AND $2::text IS DISTINCT FROM b.title)
          OR ($3::text IS NOT NULL AND $3::text IS DISTINCT FROM b.visibility)
          OR ($5::boolean IS NOT NULL AND $5::boolean IS DISTINCT FROM b.members_can_pin)
      )
    RETURNING c.id, c.title, c.created_at, c.message_count, c.unread_count, c.visibility,
              c.member_count, c.members_can_pin, c.deleted_revision, b.title AS old_title,
              b.visibility AS old_visibility
),
announced AS (
    SELECT pg_notify('chat_events', ch.id || ':changed') AS sent
    FROM changed AS ch
    WHERE ch.title IS DISTINCT FROM ch.old_title
      AND chat_is_followed(ch.id)
    UNION ALL
    SELECT pg_notify('chat_events', ch.id || ':private') AS sent
    FROM changed AS ch
    WHERE ch.visibility = 'private' AND ch.old_visibility = 'public'
      AND chat_is_followed(ch.id)
),
notified AS (
    SELECT count(*) AS sent FROM announced
),
chat AS (
    SELECT ch.id, ch.title, ch.created_at, ch.message_count, ch.unread_count, ch.visibility,
           ch.member_count, ch.members_can_pin, ch.deleted_revision
    FROM changed AS ch
    CROSS JOIN notified
    UNION ALL
    SELECT c.id, c.title, c.created_at, c.message_count, c.unread_count, c.visibility,
           c.member_count, c.members_can_pin, c.deleted_revision
    FROM chats AS c
    WHERE c.id = $1::bigint AND NOT EXISTS (SELECT 1 FROM changed)
)
SELECT chat.id, chat.title, chat.created_at, chat.message_count,
       CASE
           WHEN $4::text IS NULL THEN chat.unread_count
           ELSE member_unread(
               chat.id, chat.message_count, chat.deleted_revision, me.last_read_id,
               me.read_base, me.read_revision
           )
       END AS unread_count,
       chat.visibility, chat.member_count, chat.members_can_pin
FROM chat
LEFT JOIN chat_members AS me ON chat.id = me.chat_id AND me.user_id = $4::text;
