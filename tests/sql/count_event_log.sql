-- name: count_event_log :scalar
-- How many events the log keeps.
-- returns: count
SELECT count(*) FROM event_log;
