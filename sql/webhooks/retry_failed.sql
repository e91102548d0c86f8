-- name: retry_failed :scalar
-- chat-api webhooks retry: the webhook's failed deliveries are pending again, due now, with
-- a fresh count of attempts; the webhook is enabled again.
-- $1 webhook_id bigint
-- returns: how many deliveries are due again, or NULL when there is no such webhook
WITH hook AS (
    UPDATE webhooks AS w
    SET enabled = TRUE, disabled_reason = NULL, failing_since = NULL, updated_at = now()
    WHERE w.id = $1::bigint
    RETURNING w.id
),

again AS (
    UPDATE webhook_deliveries AS d
    SET state = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL
    FROM hook
    WHERE d.webhook_id = hook.id AND d.state = 'failed'
    RETURNING d.id
)

SELECT CASE WHEN EXISTS (SELECT 1 FROM hook) THEN (SELECT count(*) FROM again) END;
