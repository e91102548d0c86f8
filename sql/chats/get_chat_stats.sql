-- name: get_chat_stats :scalar
-- Message statistics of a chat in a time range: how many, the first and last message time,
-- and messages per day (UTC days that have messages), as one JSON document. Served by the
-- (chat_id, created_at, id) index.
-- $1 chat_id bigint
-- $2 start timestamptz: inclusive lower bound, NULL for none
-- $3 end timestamptz: exclusive upper bound, NULL for none
-- returns: {chat_id, message_count, first_message_at, last_message_at,
--           per_day: [{date, count}, ...]} as text, or NULL when the chat does not exist
SELECT json_build_object(
    'chat_id', c.id,
    'message_count', s.message_count,
    'first_message_at', api_time(s.first_message_at),
    'last_message_at', api_time(s.last_message_at),
    'per_day', coalesce(
        (
            SELECT json_agg(json_build_object('date', d.day, 'count', d.messages) ORDER BY d.day)
            FROM (
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS messages
                FROM messages
                WHERE chat_id = c.id
                  AND created_at >= coalesce($2::timestamptz, '-infinity')
                  AND created_at < coalesce($3::timestamptz, 'infinity')
                GROUP BY 1
            ) AS d
        ),
        '[]'::json
    )
)::text
FROM chats AS c
CROSS JOIN LATERAL (
    SELECT count(*) AS message_count,
           min(created_at) AS first_message_at,
           max(created_at) AS last_message_at
    FROM messages
    WHERE chat_id = c.id
      AND created_at >= coalesce($2::timestamptz, '-infinity')
      AND created_at < coalesce($3::timestamptz, 'infinity')
) AS s
WHERE c.id = $1::bigint;
