-- name: add_reaction :one
-- Adds a user's reaction to a message, unless it is there already or the message has $4
-- different emoji and this is another. Locks the chat row first, like every change of the
-- chat, so the kept count is exact and the event (chat_activity, then the event log) follows
-- commit order; the message row is held too, so a deletion that committed meanwhile is seen.
-- $1 message_id bigint
-- $2 emoji text: validated (one emoji sequence or a :short_name:)
-- $3 user_id text: who reacts ('' when authentication is off)
-- $4 most integer: how many different emoji a message may have
-- returns: chat_id, allowed (false: too many different emoji), added (false: it was there),
--   count (the emoji's count now); no row when the message does not exist
WITH chat AS (
    SELECT c.id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    WHERE target.id = $1::bigint
    FOR NO KEY UPDATE OF c, target
),
allowed AS (
    SELECT chat.id
    FROM chat
    WHERE reaction_allowed($1::bigint, $2::text, $4::integer)
),
added AS (
    INSERT INTO message_reactions (message_id, user_id, emoji)
    SELECT $1::bigint AS message_id, $3::text AS user_id, $2::text AS emoji
    FROM allowed
    ON CONFLICT (message_id, user_id, emoji) DO NOTHING
    RETURNING message_id, emoji
),
counted AS (
    INSERT INTO message_reaction_counts AS r (message_id, emoji, total)
    SELECT a.message_id, a.emoji, 1 AS total
    FROM added AS a
    ON CONFLICT (message_id, emoji) DO UPDATE SET total = r.total + 1
    RETURNING r.total
),
logged AS (
    INSERT INTO chat_activity (chat_id, event, message_id, data)
    SELECT chat.id AS chat_id, 'reaction_added' AS event, $1::bigint AS message_id,
           jsonb_build_object(
               'chat_id', chat.id, 'message_id', $1::bigint, 'emoji', $2::text,
               'user_id', nullif($3::text, ''), 'count', n.total
           ) AS data
    FROM counted AS n
    CROSS JOIN chat
)
SELECT chat.id AS chat_id,
       (SELECT count(*) FROM allowed) > 0 AS allowed,
       (SELECT count(*) FROM added) > 0 AS added,
       coalesce(
           (SELECT n.total FROM counted AS n),
           (
               SELECT r.total FROM message_reaction_counts AS r
               WHERE r.message_id = $1::bigint AND r.emoji = $2::text
           ),
           0
       ) AS count
FROM chat;
