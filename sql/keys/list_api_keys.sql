-- name: list_api_keys :many
-- Every API key, revoked ones too, oldest first; never a token or its hash.
-- returns: name, user_id, prefix, scopes, created_at, last_used_at, revoked_at
SELECT k.name, coalesce(k.user_id, k.name) AS user_id, k.prefix, k.scopes, k.created_at,
       k.last_used_at, k.revoked_at
FROM api_keys AS k
ORDER BY k.created_at, k.id;
