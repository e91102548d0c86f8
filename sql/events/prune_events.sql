-- name: prune_events :scalar
-- Forgets up to $2 events older than $1 hours from the event log, and as many reaction and pin
-- events of chat feeds (chat-api prune-events runs it until none is left); cursors older than
-- that are answered 410 cursor_expired.
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
),
old_activity AS (
    SELECT a.revision
    FROM chat_activity AS a
    WHERE a.created_at < now() - make_interval(hours => $1::integer)
    ORDER BY a.revision
    LIMIT $2::integer
),
deleted_activity AS (
    DELETE FROM chat_activity AS a
    USING old_activity
    WHERE a.revision = old_activity.revision
    RETURNING a.revision
)
SELECT (SELECT count(*) FROM deleted) + (SELECT count(*) FROM deleted_activity);
