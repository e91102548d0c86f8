-- name: list_chat_events :scalar
-- A live feed's catch-up page: the chat's events after an event id, in event id order, as a
-- JSON array. Event ids come from messages_id_seq: a new message's is its id, an edit's is
-- messages.revision, a deletion's is message_tombstones.revision, a rename's is
-- chats.title_revision, and a reaction's or pin's is chat_activity.revision. Each branch
-- reads its own index from $2 on and stops at $3 rows, so the page costs the same at any
-- depth.
-- $1 chat_id bigint
-- $2 after_id bigint: the last event id the client has; 0 from the chat's first message
-- $3 limit integer: page size
-- $4 viewer text: the caller's user id; NULL when authentication is off (every chat
--   is open to everyone, and read state is the chat's shared position)
-- $5 admin boolean: the caller has the admin scope, which sees every chat
-- returns: NULL when the chat does not exist or the viewer may not see it; otherwise [{id,
--   event, data}, ...] as text, where event is message or message_edited (data: the message,
--   as message_json builds it), message_deleted (data: {id, chat_id}), chat_renamed (data:
--   {chat_id, title}), or reaction_added, reaction_removed, message_pinned, message_unpinned
--   (data: as chat_activity holds it)
WITH posted AS (
    SELECT m.id AS event_id, 'message' AS event, row(m.*)::messages AS message
    FROM messages AS m
    WHERE m.chat_id = $1::bigint AND m.id > $2::bigint
    ORDER BY m.id
    LIMIT $3::integer
),
edited AS (
    SELECT m.revision AS event_id, 'message_edited' AS event, row(m.*)::messages AS message
    FROM messages AS m
    WHERE m.chat_id = $1::bigint AND m.revision > $2::bigint
    ORDER BY m.revision
    LIMIT $3::integer
),
removed AS (
    SELECT t.revision AS event_id, 'message_deleted' AS event,
           json_build_object('id', t.message_id, 'chat_id', t.chat_id) AS data
    FROM message_tombstones AS t
    WHERE t.chat_id = $1::bigint AND t.revision > $2::bigint
    ORDER BY t.revision
    LIMIT $3::integer
),
-- A rename is one event however often it happened: the latest title.
renamed AS (
    SELECT ch.title_revision AS event_id, 'chat_renamed' AS event,
           json_build_object('chat_id', ch.id, 'title', ch.title) AS data
    FROM chats AS ch
    WHERE ch.id = $1::bigint AND ch.title_revision > $2::bigint
),
acted AS (
    SELECT a.revision AS event_id, a.event, a.data::json AS data
    FROM chat_activity AS a
    WHERE a.chat_id = $1::bigint AND a.revision > $2::bigint
    ORDER BY a.revision
    LIMIT $3::integer
),
events AS (
    SELECT p.event_id, p.event, p.message, NULL::json AS data FROM posted AS p
    UNION ALL
    SELECT e.event_id, e.event, e.message, NULL::json AS data FROM edited AS e
    UNION ALL
    SELECT r.event_id, r.event, NULL::messages AS message, r.data FROM removed AS r
    UNION ALL
    SELECT n.event_id, n.event, NULL::messages AS message, n.data FROM renamed AS n
    UNION ALL
    SELECT a.event_id, a.event, NULL::messages AS message, a.data FROM acted AS a
),
page AS (
    SELECT ev.event_id, ev.event, ev.message, ev.data
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
                'data', coalesce(
                    x.data,
                    message_json(
                        x.message,
                        CASE WHEN $4::text IS NULL THEN c.last_read_id ELSE me.last_read_id END,
                        $4::text
                    )
                )
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
