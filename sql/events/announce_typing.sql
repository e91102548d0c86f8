-- name: announce_typing :scalar
-- A member is typing in a chat: announced to the processes that follow the chat (channel
-- typing_events, payload "<chat_id>:<user_id>"), unless this member announced it in this chat
-- less than 2 s ago (then nothing goes out; not an error). Nothing is logged.
-- $1 chat_id bigint
-- $2 user_id text: the member (checked by the caller of this statement)
-- returns: whether it was announced
WITH stamped AS (
    INSERT INTO typing_announced AS t (chat_id, user_id, announced_at)
    VALUES ($1::bigint, $2::text, clock_timestamp())
    ON CONFLICT (chat_id, user_id) DO UPDATE
        SET announced_at = excluded.announced_at
        WHERE t.announced_at <= excluded.announced_at - interval '2 seconds'
    RETURNING t.chat_id
),
announced AS (
    SELECT pg_notify('typing_events', s.chat_id || ':' || $2::text) AS sent
    FROM stamped AS s
    WHERE chat_is_followed(s.chat_id)
),
-- Referenced below, so the notification is sent whatever the planner does.
notified AS (
    SELECT count(*) AS sent FROM announced
)
SELECT count(*) > 0 AS announced FROM stamped CROSS JOIN notified;
