-- name: record_attempt :one
-- Records one attempt and what follows from it: delivered, due again in $7 seconds, or (no
-- retry left) failed. A webhook whose attempts have all failed since longer than $8 seconds
-- is disabled. An attempt whose lease ran out (another process claimed the delivery since)
-- is recorded but decides nothing.
-- $1 delivery_id bigint
-- $2 attempt integer
-- $3 status_code integer: NULL when no answer came
-- $4 error text: what went wrong, NULL on a 2xx
-- $5 duration_ms double precision
-- $6 delivered boolean
-- $7 retry_in double precision: seconds to the next attempt; NULL: no retry left
-- $8 disable_after double precision: seconds of nothing but failures
-- returns: disabled (whether this attempt disabled the webhook)
WITH attempt AS (
    INSERT INTO webhook_attempts (
        delivery_id, webhook_id, attempt, status_code, error, duration_ms, attempted_at
    )
    SELECT
        d.id,
        d.webhook_id,
        $2::integer AS attempt,
        $3::integer AS status_code,
        $4::text AS error,
        $5::double precision AS duration_ms,
        -- When the attempt started: it is recorded as it ends.
        now() - make_interval(secs => $5::double precision / 1000) AS attempted_at
    FROM webhook_deliveries AS d
    WHERE d.id = $1::bigint
    RETURNING webhook_id
),

outcome AS (
    UPDATE webhook_deliveries AS d
    SET
        state = CASE
            WHEN $6::boolean THEN 'delivered'
            WHEN $7::double precision IS NULL THEN 'failed'
            ELSE 'pending'
        END,
        next_attempt_at = CASE
            WHEN $7::double precision IS NULL THEN d.next_attempt_at
            ELSE now() + make_interval(secs => $7::double precision)
        END,
        finished_at = CASE WHEN $6::boolean OR $7::double precision IS NULL THEN now() END
    WHERE d.id = $1::bigint AND d.attempts = $2::integer AND d.state = 'pending'
    RETURNING d.webhook_id
),

-- The webhook row is written only when its failure streak starts, ends, or disables it:
-- a healthy webhook's row is not rewritten per delivery.
hook AS (
    SELECT
        w.id,
        w.failing_since,
        coalesce(
            NOT $6::boolean
            AND w.enabled
            AND w.failing_since < now() - make_interval(secs => $8::double precision),
            FALSE
        ) AS disabling
    FROM webhooks AS w
    JOIN attempt ON w.id = attempt.webhook_id
),

streak AS (
    UPDATE webhooks AS w
    SET
        failing_since = CASE WHEN $6::boolean THEN NULL ELSE coalesce(w.failing_since, now()) END,
        enabled = w.enabled AND NOT hook.disabling,
        disabled_reason = CASE
            WHEN hook.disabling
                THEN 'every attempt has failed since ' || api_time(hook.failing_since)
            ELSE w.disabled_reason
        END,
        updated_at = now()
    FROM hook
    WHERE
        w.id = hook.id
        AND (
            ($6::boolean AND hook.failing_since IS NOT NULL)
            OR (NOT $6::boolean AND (hook.failing_since IS NULL OR hook.disabling))
        )
    RETURNING hook.disabling
)

SELECT coalesce((SELECT s.disabling FROM streak AS s), FALSE) AS disabled;
