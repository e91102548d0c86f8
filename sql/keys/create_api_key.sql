-- name: create_api_key :one
-- Stores a new API key: its public prefix and the SHA-256 of the token, never the token.
-- $1 name text: unique among the keys not revoked (api_keys_active_name_idx)
-- $2 prefix text: the token's first characters, to find the row
-- $3 token_hash bytea: SHA-256 of the whole token
-- $4 scopes text[]
-- $5 user_id text: the user the key acts for (1-255 characters)
-- returns: name, scopes, created_at, user_id
INSERT INTO api_keys (name, prefix, token_hash, scopes, user_id)
VALUES ($1::text, $2::text, $3::bytea, $4::text [], $5::text)
RETURNING name, scopes, created_at, user_id;
