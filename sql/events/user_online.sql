-- name: user_online :scalar
-- Whether a user has a user feed open on a process that is still alive (its record was
-- refreshed in the last 15 s; see sweep_user_followers).
-- $1 user_id text
-- returns: online boolean
SELECT count(*) > 0 AS online
FROM user_followers AS f
WHERE f.user_id = $1::text
  AND f.seen_at >= clock_timestamp() - interval '15 seconds';
