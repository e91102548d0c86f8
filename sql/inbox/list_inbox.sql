-- name: list_inbox :scalar
-- One page of a user's chats, most recent activity first: the newest message's created_at,
-- or the chat's own for an empty chat (chats.last_message_at, kept by the triggers), ties by
-- chat id, newest first. Keyset on (activity, id). Each item has the chat, the member's
-- role, unread count and read position, and the newest message. The cost follows the number
-- of the user's chats (each read once by primary key), not the number of their messages.
-- $1 user_id text
-- $2 before_at timestamptz: keyset: the previous page's last activity; NULL: first page
-- $3 before_id bigint: and that chat's id
-- $4 limit integer: page size
-- returns: [{chat: {id, title, created_at, message_count, unread_count, visibility,
--   member_count, members_can_pin}, role, unread_count, unread_mentions, last_read_id,
--   last_message: message_json (migration 0019) or null}, ...] as text
WITH mine AS (
    SELECT c.id, c.title, c.created_at, c.message_count, c.visibility, c.member_count,
           c.last_message_id, coalesce(c.last_message_at, c.created_at) AS active_at,
           cm.role, cm.last_read_id,
           member_unread(
               c.id, c.message_count, c.deleted_revision, cm.last_read_id, cm.read_base,
               cm.read_revision
           ) AS unread,
           -- The member's mentions after its read position: an index range of those alone.
           (
               SELECT count(*)
               FROM message_mentions AS mm
               WHERE mm.user_id = $1::text AND mm.chat_id = c.id
                 AND mm.message_id > cm.last_read_id
           ) AS unread_mentions,
           c.members_can_pin
    FROM chat_members AS cm
    JOIN chats AS c ON cm.chat_id = c.id
    WHERE cm.user_id = $1::text
      AND (
          $2::timestamptz IS NULL
          OR (coalesce(c.last_message_at, c.created_at), c.id) < ($2::timestamptz, $3::bigint)
      )
    ORDER BY active_at DESC, c.id DESC
    LIMIT $4::integer
)
SELECT coalesce(
    json_agg(
        json_build_object(
            'chat', json_build_object(
                'id', p.id,
                'title', p.title,
                'created_at', api_time(p.created_at),
                'message_count', p.message_count,
                'unread_count', p.unread,
                'visibility', p.visibility,
                'member_count', p.member_count,
                'members_can_pin', p.members_can_pin
            ),
            'role', p.role,
            'unread_count', p.unread,
            'unread_mentions', p.unread_mentions,
            'last_read_id', p.last_read_id,
            'last_message', CASE
                WHEN lm.id IS NOT NULL THEN message_json(lm.*, p.last_read_id, $1::text)
            END
        )
        ORDER BY p.active_at DESC, p.id DESC
    ),
    '[]'::json
)::text
FROM mine AS p
LEFT JOIN messages AS lm ON p.last_message_id = lm.id;
