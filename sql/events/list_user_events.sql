-- name: list_user_events :one
-- A user feed's next page (see migration 0016): the events of the user's chats since the user
-- joined them, and those addressed to the user, whose transaction was not visible in the cursor's base snapshot but
-- is in its target snapshot (now, when it has none), after a position within that set, in
-- position order (each chat's commit order). The xid index reads only the transactions since
-- the base snapshot, however long the log is.
-- $1 user_id text
-- $2 base text: the cursor's base snapshot (pg_snapshot text)
-- $3 target text: the cursor's target snapshot; NULL: the current one
-- $4 after bigint: the position within the set delivered last (0: none yet)
-- $5 limit integer: page size
-- returns: target (the snapshot the page was read up to, as text) and events, a JSON array
--   of {position, event, chat_id, data} as text; data is the message (message_json) for message and
--   message_edited ({id, chat_id} when it has been deleted since), {id, chat_id} for
--   message_deleted, {chat_id, title} for chat_renamed, {chat_id} for chat_deleted,
--   {chat_id, user_id, role} for the membership events, {chat_id, last_read_id,
--   unread_count} for read, and the logged data (with chat_id) for reactions and pins
WITH snap AS (
    SELECT coalesce($3::text::pg_snapshot, pg_current_snapshot()) AS target
),
page AS (
    SELECT e.position, e.chat_id, e.event, e.message_id, e.data
    FROM event_log AS e
    CROSS JOIN snap
    -- Both bounds, though visibility in the target implies the upper one: with a range the
    -- generic plan reads the xid index; with one bound it walks the whole log by position.
    WHERE e.xid >= pg_snapshot_xmin($2::text::pg_snapshot)
      AND e.xid < pg_snapshot_xmax(coalesce($3::text::pg_snapshot, pg_current_snapshot()))
      AND NOT pg_visible_in_snapshot(e.xid, $2::text::pg_snapshot)
      AND pg_visible_in_snapshot(e.xid, snap.target)
      AND e.position > $4::bigint
      AND (
          e.user_id = $1::text
          OR (
              e.user_id IS NULL
              AND EXISTS (
                  SELECT 1
                  FROM chat_members AS m
                  WHERE m.chat_id = e.chat_id AND m.user_id = $1::text
              )
              -- Only what happened since the user (last) joined: within a chat, positions
              -- follow commit order. A membership older than the log has no chat_joined.
              AND e.position > coalesce(
                  (
                      SELECT max(j.position)
                      FROM event_log AS j
                      WHERE j.user_id = $1::text
                        AND j.chat_id = e.chat_id
                        AND j.event = 'chat_joined'
                  ),
                  0
              )
          )
      )
    ORDER BY e.position
    LIMIT $5::integer
)
SELECT
    snap.target::text AS target,
    coalesce(
        (
            SELECT json_agg(
                json_build_object(
                    'position', p.position,
                    'event', p.event,
                    'chat_id', p.chat_id,
                    'data', CASE
                        WHEN p.event IN ('message', 'message_edited') AND msg.id IS NOT NULL
                            THEN message_json(msg.*, me.last_read_id, $1::text)
                        WHEN p.event IN ('message', 'message_edited', 'message_deleted')
                            THEN json_build_object('id', p.message_id, 'chat_id', p.chat_id)
                        WHEN p.event = 'chat_deleted'
                            THEN json_build_object('chat_id', p.chat_id)
                        ELSE (jsonb_build_object('chat_id', p.chat_id) || p.data)::json
                    END
                )
                ORDER BY p.position
            )
            FROM page AS p
            LEFT JOIN messages AS msg ON p.message_id = msg.id
            LEFT JOIN chat_members AS me ON p.chat_id = me.chat_id AND me.user_id = $1::text
        ),
        '[]'::json
    )::text AS events
FROM snap;
