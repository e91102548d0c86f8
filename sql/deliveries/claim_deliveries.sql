-- name: claim_deliveries :many
-- Claims up to $1 due lanes for this process, and in each its oldest pending delivery (a
-- later event of a chat waits until the earlier one is delivered or has failed for good).
-- Lanes of disabled webhooks wait, but for pings (chat 0: how a fixed receiver is tried).
-- The claim is a lease: the lane and the delivery fall due again $2 seconds on, past the
-- attempt's time limit, so a process that dies mid-attempt leaves them to another.
-- $1 limit integer
-- $2 lease_seconds double precision
-- returns: id, webhook_id, attempt (this one's number), event_id, event, body, url, secrets
--   (the current one first, then the previous one while it still signs)
WITH due AS (
    SELECT l.webhook_id, l.chat_id
    FROM webhook_lanes AS l
    JOIN webhooks AS w ON l.webhook_id = w.id
    WHERE l.pending > 0 AND l.next_attempt_at <= now() AND (w.enabled OR l.chat_id = 0)
    ORDER BY l.next_attempt_at
    LIMIT $1::integer
    FOR UPDATE OF l SKIP LOCKED
),

leased AS (
    UPDATE webhook_lanes AS l
    SET next_attempt_at = now() + make_interval(secs => $2::double precision)
    FROM due
    WHERE l.webhook_id = due.webhook_id AND l.chat_id = due.chat_id
    RETURNING l.webhook_id, l.chat_id
),

heads AS (
    SELECT head.id
    FROM leased
    CROSS JOIN LATERAL (
        SELECT d.id
        FROM webhook_deliveries AS d
        WHERE
            d.webhook_id = leased.webhook_id
            AND d.chat_id = leased.chat_id
            AND d.state = 'pending'
        ORDER BY d.id
        LIMIT 1
    ) AS head
)

UPDATE webhook_deliveries AS d
SET
    attempts = d.attempts + 1,
    next_attempt_at = now() + make_interval(secs => $2::double precision)
FROM heads, webhooks AS w
WHERE d.id = heads.id AND d.webhook_id = w.id AND d.state = 'pending'
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
