-- name: prune_events :scalar
-- Forgets up to $2 events older than $1 hours (chat-api prune-events runs it until none is
-- left); cursors older than that are answered 410 cursor_expired.
-- $1 hours integer
-- $2 batch integer
-- returns: how many were deleted
WITH old AS (
    SELECT e.position
    FROM event_log AS e
    WHERE e.created_at < now() - make_interval(hours => $1::integer)
    ORDER BY e.position
    LIMIT $2::integer
),
deleted AS (
    DELETE FROM event_log AS e
    USING old
    WHERE e.position = old.position
    RETURNING e.position
)
SELECT count(*) FROM deleted;
