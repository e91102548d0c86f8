-- name: revoke_api_key :one
-- Revokes the key of that name (the one not yet revoked); the row stays for `keys list`.
-- $1 name text
-- returns: name, revoked_at; no row when no key of that name is active
UPDATE api_keys
SET revoked_at = now()
WHERE name = $1::text AND revoked_at IS NULL
RETURNING name, revoked_at;
