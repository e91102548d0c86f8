-- name: list_chats_forward :scalar
-- One page of chats in creation order, between two ids (exclusive), as a JSON array built in
-- the database; the service validates it against its response model. Without keyset
-- parameters the bounds are 0 and 2^63-1, so one index range scan serves every case.
-- LIMIT and OFFSET read their parameters through (SELECT $n), which keeps the cached generic
-- plan in use instead of re-planning on every call (docs/database.md: "Plans and parameters").
-- $1 after_id bigint: the page starts after this id (0: from the first chat)
-- $2 before_id bigint: and stays below this id (9223372036854775807: no bound)
-- $3 skip bigint: rows to skip
-- $4 limit integer: page size
-- $5 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and unread_count is the chat's shared one)
-- $6 admin boolean: the caller has the admin scope, which sees every chat
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
                WHEN $5::text IS NULL THEN unread_count
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
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $5::text
    WHERE c.id > $1::bigint
      AND c.id < $2::bigint
      AND ($5::text IS NULL OR $6::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
    ORDER BY c.id
    LIMIT (SELECT $4::integer)
    OFFSET (SELECT $3::bigint)
) AS page;
