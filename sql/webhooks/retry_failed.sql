-- name: retry_failed :scalar
-- chat-api webhooks retry: the webhook is enabled again, and its failed deliveries are
-- pending again with a fresh count of attempts, each ahead of the later events of its chat.
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
    RETURNING d.webhook_id, d.chat_id
),

lanes AS (
    UPDATE webhook_lanes AS l
    SET pending = l.pending + a.count, next_attempt_at = now()
    FROM (
        SELECT again.webhook_id, again.chat_id, count(*) AS count
        FROM again
        GROUP BY again.webhook_id, again.chat_id
    ) AS a
    WHERE l.webhook_id = a.webhook_id AND l.chat_id = a.chat_id
    RETURNING l.webhook_id
)

SELECT CASE WHEN EXISTS (SELECT 1 FROM hook) THEN (SELECT count(*) FROM again) END;
