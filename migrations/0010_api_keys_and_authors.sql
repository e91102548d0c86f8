-- Who may call the API and who posted what (AUTH_MODE=api_key or jwt).
--
-- api_keys keeps a hash of each token, never the token: `prefix` (the token's first
-- characters, not secret) finds the row, and the service compares the SHA-256 of the whole
-- token with token_hash in constant time. A revoked key keeps its row (revoked_at) so
-- `chat-api keys list` can show it; a name is unique among the keys not revoked.
--
-- messages.author is nullable with no default: adding it rewrites nothing and takes the
-- table lock only for the moment of the catalog change (lock_timeout below).
-- depends: 0009_chat_day_counts_backfill

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    prefix       text        NOT NULL UNIQUE,
    token_hash   bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

CREATE UNIQUE INDEX api_keys_active_name_idx ON api_keys (name) WHERE revoked_at IS NULL;

COMMENT ON TABLE api_keys IS
    'API keys for AUTH_MODE=api_key: SHA-256 of the token only, never the token itself.';
COMMENT ON COLUMN api_keys.last_used_at IS
    'Updated at most once a minute per key and process, not on every request.';

ALTER TABLE messages ADD COLUMN author text;

COMMENT ON COLUMN messages.author IS
    'Who posted it: the API key name or the JWT sub; NULL when authentication was off.';
