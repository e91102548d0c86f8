-- name: update_streak :one
-- A webhook's failure streak after an attempt: a success ends it, a failure starts it, and a
-- failure more than $3 seconds into it disables the webhook. Run only when record_attempt.sql
-- says it changes something: a healthy webhook's row is not rewritten per delivery.
-- $1 webhook_id bigint
-- $2 delivered boolean
-- $3 disable_after double precision: seconds of nothing but failures
-- returns: disabled (whether this attempt disabled the webhook), or no row when nothing changed
WITH hook AS (
    SELECT
        w.id,
        w.failing_since,
        coalesce(
            NOT $2::boolean
            AND w.enabled
            AND w.failing_since < now() - make_interval(secs => $3::double precision),
            FALSE
        ) AS disabling
    FROM webhooks AS w
    WHERE w.id = $1::bigint
)

UPDATE webhooks AS w
SET
    failing_since = CASE WHEN $2::boolean THEN NULL ELSE coalesce(w.failing_since, now()) END,
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
        ($2::boolean AND hook.failing_since IS NOT NULL)
        OR (NOT $2::boolean AND (hook.failing_since IS NULL OR hook.disabling))
    )
RETURNING hook.disabling AS disabled;
