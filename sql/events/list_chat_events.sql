-- name: list_chat_events :scalar
-- A live feed's catch-up page: the chat's events after an event id, in event id order, as a
-- JSON array. Event ids come from messages_id_seq: a new message's is its id, an edit's is
-- messages.revision, a deletion's is message_tombstones.revision and a rename's is
-- chats.title_revision. Each branch reads its own index from $2 on and stops at $3 rows, so
-- the page costs the same at any depth.
-- $1 chat_id bigint
-- $2 after_id bigint: the last event id the client has; 0 from the chat's first message
-- $3 limit integer: page size
-- $4 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $5 admin boolean: the caller has the admin scope, which sees every chat
-- returns: NULL when the chat does not exist or the viewer may not see it; otherwise [{id, event, data}, ...] as text, where
--   event is message or message_edited (data: the message), message_deleted (data: {id,
--   chat_id}) or chat_renamed (data: {chat_id, title})
WITH posted AS (
    SELECT m.id, m.chat_id, m.text, m.created_at, m.author, m.edited_at, m.reply_to
    FROM messages AS m
    WHERE m.chat_id = $1::bigint AND m.id > $2::bigint
    ORDER BY m.id
    LIMIT $3::integer
),
edited AS (
    SELECT m.revision, m.id, m.chat_id, m.text, m.created_at, m.author, m.edited_at, m.reply_to
    FROM messages AS m
    WHERE m.chat_id = $1::bigint AND m.revision > $2::bigint
    ORDER BY m.revision
    LIMIT $3::integer
),
removed AS (
    SELECT t.revision, t.message_id, t.chat_id
    FROM message_tombstones AS t
    WHERE t.chat_id = $1::bigint AND t.revision > $2::bigint
    ORDER BY t.revision
    LIMIT $3::integer
),
-- A rename is one event however often it happened: the latest title.
renamed AS (
    SELECT ch.title_revision, ch.id, ch.title
    FROM chats AS ch
    WHERE ch.id = $1::bigint AND ch.title_revision > $2::bigint
),
events AS (
    SELECT p.id AS event_id, 'message' AS event, p.id, p.chat_id, p.text, p.created_at,
           p.author, p.edited_at, p.reply_to
    FROM posted AS p
    UNION ALL
    SELECT e.revision AS event_id, 'message_edited' AS event, e.id, e.chat_id, e.text,
           e.created_at, e.author, e.edited_at, e.reply_to
    FROM edited AS e
    UNION ALL
    SELECT r.revision AS event_id, 'message_deleted' AS event, r.message_id AS id, r.chat_id,
           NULL AS text, NULL AS created_at, NULL AS author, NULL AS edited_at,
           NULL AS reply_to
    FROM removed AS r
    UNION ALL
    SELECT n.title_revision AS event_id, 'chat_renamed' AS event, n.id, n.id AS chat_id,
           n.title AS text, NULL AS created_at, NULL AS author, NULL AS edited_at,
           NULL AS reply_to
    FROM renamed AS n
),
page AS (
    SELECT ev.event_id, ev.event, ev.id, ev.chat_id, ev.text, ev.created_at, ev.author,
           ev.edited_at, ev.reply_to
    FROM events AS ev
    ORDER BY ev.event_id
    LIMIT $3::integer
)
SELECT coalesce(
    (
        SELECT json_agg(
            json_build_object(
                'id', x.event_id,
                'event', x.event,
                'data', CASE
                    WHEN x.event = 'message_deleted' THEN
                        json_build_object('id', x.id, 'chat_id', x.chat_id)
                    WHEN x.event = 'chat_renamed' THEN
                        json_build_object('chat_id', x.chat_id, 'title', x.text)
                    ELSE json_build_object(
                        'id', x.id,
                        'chat_id', x.chat_id,
                        'text', x.text,
                        'created_at', api_time(x.created_at),
                        'is_read', x.id <= CASE WHEN $4::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                        'author', x.author,
                        'edited_at', api_time(x.edited_at),
                        'reply_to', x.reply_to
                    )
                END
            )
            ORDER BY x.event_id
        )
        FROM page AS x
    ),
    '[]'::json
)::text AS events
FROM chats AS c
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $4::text
WHERE c.id = $1::bigint
  AND ($4::text IS NULL OR $5::boolean OR c.visibility = 'public' OR me.user_id IS NOT NULL);
