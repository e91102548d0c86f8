-- name: search_chats_forward :scalar
-- Chats whose title contains a string, ignoring case (Unicode-aware by the database's
-- LC_CTYPE), in creation order between two ids, as a JSON array. The trigram index
-- chats_title_trgm_idx serves the match; LIKE wildcards in the string match literally.
-- $1 after_id bigint: the page starts after this id (0: from the first chat)
-- $2 before_id bigint: and stays below this id (9223372036854775807: no bound)
-- $3 query text: the substring to look for
-- $4 skip bigint: rows to skip
-- $5 limit integer: page size
-- $6 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and unread_count is the chat's shared one)
-- $7 admin boolean: the caller has the admin scope, which sees every chat
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
                WHEN $6::text IS NULL THEN unread_count
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
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $6::text
    WHERE c.id > $1::bigint
      AND c.id < $2::bigint
      AND lower(c.title) LIKE '%' || replace(replace(replace(lower($3::text), '\', '\\'), '%', '\%'), '_', '\_') || '%'
      AND ($6::text IS NULL OR $7::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL)
    ORDER BY c.id
    LIMIT $5::integer
    OFFSET $4::bigint
) AS page;
