-- name: age_event_log :exec
-- Makes every logged event that many hours older (tests of pruning).
-- $1 hours integer
-- returns: nothing
UPDATE event_log SET created_at = created_at - make_interval(hours => $1::integer);
