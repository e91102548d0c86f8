-- name: record_attempts :many
-- Records attempts (one per delivery, as arrays of the same length) and what follows from
-- each: delivered, due again in retry_in seconds, or (no retry left) failed; its lane then
-- falls due at once for the next delivery (or idles, when none is left), or in retry_in
-- seconds for this one. An attempt whose lease ran out (another process claimed the delivery
-- since) is recorded but decides nothing. The attempts of one batch are of distinct lanes
-- (a lane has one delivery under way at a time).
-- $1 delivery_ids bigint[]
-- $2 attempts integer[]
-- $3 status_codes integer[]: NULL where no answer came
-- $4 errors text[]: what went wrong, NULL on a 2xx
-- $5 durations_ms double precision[]
-- $6 delivered boolean[]
-- $7 retry_in double precision[]: seconds to the next attempt; NULL: no retry left
-- returns: webhook_id and failing_since (as it was) per attempt: whether update_streak.sql
--   has anything to do. It runs in a transaction of its own, so no lane lock is ever held
--   while the webhook row is waited for (the queuing holds that one, then takes lanes).
WITH tried AS (
    SELECT
        t.delivery_id,
        t.attempt,
        t.status_code,
        t.error,
        t.duration_ms,
        t.delivered,
        t.retry_in
    FROM unnest(
        $1::bigint [],
        $2::integer [],
        $3::integer [],
        $4::text [],
        $5::double precision [],
        $6::boolean [],
        $7::double precision []
    ) AS t (delivery_id, attempt, status_code, error, duration_ms, delivered, retry_in)
),

attempt AS (
    INSERT INTO webhook_attempts (
        delivery_id, webhook_id, attempt, status_code, error, duration_ms, attempted_at
    )
    SELECT
        d.id,
        d.webhook_id,
        t.attempt,
        t.status_code,
        t.error,
        t.duration_ms,
        -- When the attempt started: it is recorded as it ends.
        now() - make_interval(secs => t.duration_ms / 1000) AS attempted_at
    FROM tried AS t
    JOIN webhook_deliveries AS d ON t.delivery_id = d.id
    RETURNING webhook_id
),

outcome AS (
    UPDATE webhook_deliveries AS d
    SET
        state = CASE
            WHEN t.delivered THEN 'delivered'
            WHEN t.retry_in IS NULL THEN 'failed'
            ELSE 'pending'
        END,
        next_attempt_at = CASE
            WHEN t.retry_in IS NULL THEN d.next_attempt_at
            ELSE now() + make_interval(secs => t.retry_in)
        END,
        finished_at = CASE WHEN t.delivered OR t.retry_in IS NULL THEN now() END
    FROM tried AS t
    WHERE d.id = t.delivery_id AND d.attempts = t.attempt AND d.state = 'pending'
    RETURNING d.webhook_id, d.chat_id, d.state, t.retry_in
),

-- One row update per lane: a queuing that adds to a lane at the same time waits for it (or
-- it for the queuing), so the count is exact and a lane with work in it never idles.
lanes AS (
    UPDATE webhook_lanes AS l
    SET
        pending = l.pending - CASE WHEN o.state = 'pending' THEN 0 ELSE 1 END,
        next_attempt_at = CASE
            WHEN o.state = 'pending' THEN now() + make_interval(secs => o.retry_in)
            ELSE now()
        END
    FROM outcome AS o
    WHERE l.webhook_id = o.webhook_id AND l.chat_id = o.chat_id
    RETURNING l.webhook_id
)

SELECT DISTINCT
    w.id AS webhook_id,
    w.failing_since
FROM webhooks AS w
WHERE w.id IN (SELECT a.webhook_id FROM attempt AS a);
