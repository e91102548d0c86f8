-- name: find_api_key :one
-- The key a token names, by the token's public prefix; the caller compares token_hash.
-- $1 prefix text
-- returns: id, name, user_id (the key's name for keys from before users), token_hash, scopes,
--   revoked; no row for an unknown prefix
SELECT k.id, k.name, coalesce(k.user_id, k.name) AS user_id, k.token_hash, k.scopes,
       k.revoked_at IS NOT NULL AS revoked
FROM api_keys AS k
WHERE k.prefix = $1::text;
