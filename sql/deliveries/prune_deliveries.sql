-- name: prune_deliveries :scalar
-- Forgets up to $2 finished deliveries (with their attempts) older than $1 hours (chat-api
-- prune-events runs it with the event log's retention, until none is left).
-- $1 hours integer
-- $2 batch integer
-- returns: how many were deleted
WITH old AS (
    SELECT d.id
    FROM webhook_deliveries AS d
    WHERE d.created_at < now() - make_interval(hours => $1::integer) AND d.state <> 'pending'
    ORDER BY d.id
    LIMIT $2::integer
),

deleted AS (
    DELETE FROM webhook_deliveries AS d
    USING old
    WHERE d.id = old.id
    RETURNING d.id
)

SELECT count(*) FROM deleted;
