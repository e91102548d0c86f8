-- name: day_counts_vs_messages :many
-- Per chat and UTC day: what chat_day_counts says beside what the messages say (tests of
-- exactness); only days where the two differ.
-- returns: chat_id, day, counted, real
WITH real_counts AS (
    SELECT m.chat_id, (m.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS messages
    FROM messages AS m
    GROUP BY m.chat_id, (m.created_at AT TIME ZONE 'UTC')::date
)

SELECT coalesce(d.chat_id, r.chat_id) AS chat_id,
       coalesce(d.day, r.day) AS day,
       coalesce(d.messages, 0) AS counted,
       coalesce(r.messages, 0) AS real
FROM chat_day_counts AS d
FULL JOIN real_counts AS r ON d.chat_id = r.chat_id AND d.day = r.day
WHERE coalesce(d.messages, 0) <> coalesce(r.messages, 0);
