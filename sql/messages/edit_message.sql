-- name: edit_message :one
-- Replaces a message's text. Locks its chat row first, like a post, then takes the edit's
-- event id from messages_id_seq, so a live feed sees the chat's changes in commit order; the
-- same text changes nothing (no edited_at, no event). Followed chats are announced
-- ("<chat_id>:changed") when the transaction commits; chat_is_followed (migration 0015) sees
-- a follower that registered while this waited for the lock.
-- $1 message_id bigint
-- $2 text text: already trimmed and validated (1-5000 characters)
-- $3 viewer text: the caller's user id, for is_read; NULL when authentication is off
-- $4 mentions text[]: the user ids it mentions from now on, members of the chat (checked
--   before); NULL: the mentions stay as they are
-- returns: message, as message_json (migration 0019) builds it, as text (its mentions as they
--   were: the caller knows the new ones); no row when the message does not exist
WITH chat AS (
    SELECT c.id,
           CASE WHEN $3::text IS NULL THEN c.last_read_id ELSE me.last_read_id END AS read_id
    FROM chats AS c
    JOIN messages AS target ON c.id = target.chat_id
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $3::text
    WHERE target.id = $1::bigint
    FOR NO KEY UPDATE OF c
),
edited AS (
    UPDATE messages AS m
    SET text = $2::text,
        edited_at = clock_timestamp(),
        revision = nextval('messages_id_seq'::regclass)
    FROM chat
    WHERE m.id = $1::bigint AND m.chat_id = chat.id AND m.text IS DISTINCT FROM $2::text
    RETURNING row(m.*)::messages AS message, m.chat_id
),
unmentioned AS (
    DELETE FROM message_mentions AS mm
    USING chat
    WHERE mm.message_id = $1::bigint AND $4::text [] IS NOT NULL
      AND mm.user_id <> all($4::text [])
),
mentioned AS (
    INSERT INTO message_mentions (message_id, user_id, chat_id, ordinal)
    SELECT $1::bigint AS message_id, given.user_id, chat.id AS chat_id, given.ordinal
    FROM chat
    CROSS JOIN unnest($4::text []) WITH ORDINALITY AS given (user_id, ordinal)
    ON CONFLICT (message_id, user_id) DO UPDATE SET ordinal = excluded.ordinal
),
announced AS (
    SELECT pg_notify('chat_events', e.chat_id || ':changed') AS sent
    FROM edited AS e
    WHERE chat_is_followed(e.chat_id)
),
-- Referenced below, so the notifications are sent whatever the planner does.
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT message_json(e.message, chat.read_id, $3::text)::text AS message
FROM edited AS e
CROSS JOIN chat
CROSS JOIN notified
UNION ALL
SELECT message_json(m.*, chat.read_id, $3::text)::text AS message
FROM messages AS m
JOIN chat ON m.chat_id = chat.id
WHERE m.id = $1::bigint AND NOT EXISTS (SELECT 1 FROM edited);
