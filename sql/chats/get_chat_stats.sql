-- name: get_chat_stats :scalar
-- Message statistics of a chat in a time range: how many, the first and last message time,
-- and messages per day (UTC days that have messages), as one JSON document. Whole UTC days
-- come from chat_day_counts (kept by the triggers); only the partial days at the ends of the
-- range are counted in messages, through the (chat_id, created_at, id) index. The cost grows
-- with the days asked for, not with the chat's size.
-- $1 chat_id bigint
-- $2 start timestamptz: inclusive lower bound, NULL for none
-- $3 end timestamptz: exclusive upper bound, NULL for none
-- returns: {chat_id, message_count, first_message_at, last_message_at,
--           per_day: [{date, count}, ...]} as text, or NULL when the chat does not exist
WITH bounds AS (
    SELECT r.low,
           r.high,
           -- The whole days: from the first UTC midnight at or after low to the last one at
           -- or before high.
           CASE
               WHEN r.low = '-infinity' THEN '-infinity'::date
               ELSE ((r.low AT TIME ZONE 'UTC') + interval '1 day' - interval '1 microsecond')::date
           END AS first_day,
           CASE
               WHEN r.high = 'infinity' THEN 'infinity'::date
               ELSE (r.high AT TIME ZONE 'UTC')::date
           END AS end_day
    FROM (
        SELECT coalesce($2::timestamptz, '-infinity') AS low,
               coalesce($3::timestamptz, 'infinity') AS high
    ) AS r
),
edges AS (
    -- The partial days before and after the whole ones (when there are no whole days, these
    -- two ranges split the range at the first midnight).
    SELECT b.low AS edge_low,
           least(b.high, b.first_day::timestamp AT TIME ZONE 'UTC') AS edge_high
    FROM bounds AS b
    UNION ALL
    SELECT greatest(
               b.end_day::timestamp AT TIME ZONE 'UTC',
               least(b.high, b.first_day::timestamp AT TIME ZONE 'UTC')
           ) AS edge_low,
           b.high AS edge_high
    FROM bounds AS b
),
days AS (
    SELECT d.day, d.messages
    FROM chat_day_counts AS d
    CROSS JOIN bounds AS b
    WHERE d.chat_id = $1::bigint
      AND d.day >= b.first_day
      AND d.day < b.end_day
      AND d.messages > 0
    UNION ALL
    SELECT (m.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS messages
    FROM edges AS e
    JOIN messages AS m
        ON m.chat_id = $1::bigint
        AND e.edge_low <= m.created_at
        AND e.edge_high > m.created_at
    GROUP BY (m.created_at AT TIME ZONE 'UTC')::date
),
per_day AS (
    SELECT days.day, sum(days.messages)::bigint AS messages
    FROM days
    GROUP BY days.day
)
SELECT json_build_object(
    'chat_id', c.id,
    'message_count', (SELECT coalesce(sum(p.messages), 0) FROM per_day AS p),
    'first_message_at', api_time((
        SELECT m.created_at
        FROM messages AS m
        CROSS JOIN bounds AS b
        WHERE m.chat_id = c.id
          AND m.created_at >= b.low
          AND m.created_at < b.high
        ORDER BY m.created_at, m.id
        LIMIT 1
    )),
    'last_message_at', api_time((
        SELECT m.created_at
        FROM messages AS m
        CROSS JOIN bounds AS b
        WHERE m.chat_id = c.id
          AND m.created_at >= b.low
          AND m.created_at < b.high
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT 1
    )),
    'per_day', coalesce(
        (
            SELECT json_agg(json_build_object('date', p.day, 'count', p.messages) ORDER BY p.day)
            FROM per_day AS p
        ),
        '[]'::json
    )
)::text
FROM chats AS c
WHERE c.id = $1::bigint;
