-- name: touch_api_key :exec
-- Records that a key was used, at most once a minute: not a write per request.
-- $1 id bigint
-- returns: the command status (UPDATE 0 when it was used within the minute)
UPDATE api_keys
SET last_used_at = now()
WHERE id = $1::bigint
  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
