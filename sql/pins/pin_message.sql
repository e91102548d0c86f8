-- name: pin_message :one
-- Pins a message of a chat, unless it is pinned already or the chat has $4 pins. Locks the
-- chat row first, so the limit holds and the event (chat_activity, then the event log)
-- follows commit order; the message row is held too, so a deletion that committed meanwhile
-- is seen.
-- $1 chat_id bigint
-- $2 message_id bigint
-- $3 pinned_by text: who pins it (NULL when authentication is off)
-- $4 most integer: how many pins a chat may have
-- $5 viewer text: the caller's user id, for the message's is_read; NULL when authentication
--   is off
-- returns: allowed (false: the chat has too many pins), added (false: it was pinned already),
--   pinned_at, and message (message_json, as text: its pinned_at as it was before this); no
--   row when the message is not one of the chat's
WITH chat AS (
    SELECT c.id, row(target.*)::messages AS message,
           CASE WHEN $5::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS read_id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $5::text
    WHERE c.id = $1::bigint AND target.id = $2::bigint
    FOR NO KEY UPDATE OF c, target
),
allowed AS (
    SELECT chat.id
    FROM chat
    WHERE pin_allowed($1::bigint, $2::bigint, $4::integer)
),
pinned AS (
    INSERT INTO chat_pins (message_id, chat_id, pinned_by)
    SELECT $2::bigint AS message_id, allowed.id AS chat_id, $3::text AS pinned_by
    FROM allowed
    ON CONFLICT (message_id) DO NOTHING
    RETURNING pinned_at
),
logged AS (
    INSERT INTO chat_activity (chat_id, event, message_id, data)
    SELECT $1::bigint AS chat_id, 'message_pinned' AS event, $2::bigint AS message_id,
           jsonb_build_object(
               'chat_id', $1::bigint, 'message_id', $2::bigint, 'user_id', $3::text,
               'pinned_at', api_time(p.pinned_at)
           ) AS data
    FROM pinned AS p
)
SELECT (SELECT count(*) FROM allowed) > 0 AS allowed,
       (SELECT count(*) FROM pinned) > 0 AS added,
       coalesce(
           (SELECT p.pinned_at FROM pinned AS p),
           (SELECT p.pinned_at FROM chat_pins AS p WHERE p.message_id = $2::bigint)
       ) AS pinned_at,
       message_json(chat.message, chat.read_id, $5::text)::text AS message
FROM chat;
