-- name: claim_deliveries :many
-- Claims up to $1 due deliveries for this process: each the oldest pending one of its webhook
-- and chat (a later event waits until the earlier one is delivered or has failed for good),
-- of an enabled webhook (pings go to disabled ones too: that is how a fixed receiver is
-- tried). The claim is a lease: next_attempt_at moves $2 seconds on, past the attempt's time
-- limit, so a process that dies mid-attempt leaves the delivery due again once it runs out.
-- $1 limit integer
-- $2 lease_seconds double precision
-- returns: id, attempt (this one's number), event_id, event, body, url, secrets (the current
--   one first, then the previous one while it still signs)
WITH due AS (
    SELECT d.id
    FROM webhook_deliveries AS d
    JOIN webhooks AS w ON d.webhook_id = w.id
    WHERE
        d.state = 'pending'
        AND d.next_attempt_at <= now()
        AND (w.enabled OR d.event = 'ping')
        AND NOT EXISTS (
            SELECT 1
            FROM webhook_deliveries AS earlier
            WHERE
                earlier.webhook_id = d.webhook_id
                AND earlier.chat_id = d.chat_id
                AND earlier.state = 'pending'
                AND earlier.id < d.id
        )
    ORDER BY d.next_attempt_at, d.id
    LIMIT $1::integer
    FOR UPDATE OF d SKIP LOCKED
)

UPDATE webhook_deliveries AS d
SET
    attempts = d.attempts + 1,
    next_attempt_at = now() + make_interval(secs => $2::double precision)
FROM due, webhooks AS w
WHERE d.id = due.id AND d.webhook_id = w.id
RETURNING
    d.id,
    d.webhook_id,
    d.attempts AS attempt,
    d.event_id,
    d.event,
    d.body,
    w.url,
    array_remove(
        ARRAY[
            w.secret,
            CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END
        ],
        NULL
    ) AS secrets;
