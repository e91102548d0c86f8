-- name: list_chats_backward :scalar
-- Keyset page backwards: the chats created just before an id, returned in creation order, as
-- a JSON array.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 before_id bigint
-- $2 skip bigint: rows to skip
-- $3 limit integer: page size
-- $4 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and unread_count is the chat's shared one)
-- $5 admin boolean: the caller has the admin scope, which sees every chat
-- returns: [{id, title, created_at, message_count, unread_count, visibility, member_count,
--   members_can_pin},
--   ...] as text
SELECT coalesce(
    json_agg(
        json_build_object(
            'id', id,
            'title', title,
            'created_at', api_time(created_at),
            'message_count', message_count,
            'unread_count', CASE
                WHEN $4::text IS NULL THEN unread_count
                WHEN member_last_read_id IS NOT NULL THEN member_unread(
                    id, message_count, deleted_revision, member_last_read_id, member_read_base,
                    member_read_revision
                )
            END,
            'visibility', visibility,
            'member_count', member_count,
            'members_can_pin', members_can_pin
        )
        ORDER BY id
    ),
    '[]'::json
)::text
FROM (
    SELECT c.id, c.title, c.created_at, c.message_count, c.unread_count, c.visibility,
           c.member_count, c.members_can_pin, c.deleted_revision,
           me.last_read_id AS member_last_read_id,
           me.read_base AS member_read_base, me.read_revision AS member_read_revision
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $4::text
    WHERE c.id < $1::bigint
      AND ($4::text IS NULL OR $5::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
    ORDER BY c.id DESC
    LIMIT (SELECT $3::integer)
    OFFSET (SELECT $2::bigint)
) AS page;
