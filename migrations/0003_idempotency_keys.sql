-- Idempotent sends: a client's Idempotency-Key per chat, the request it came with and the
-- message it created. The primary key makes a second use of a key fail in the database, so it
-- holds across workers, replicas and restarts.
-- depends: 0002_chat_title_search

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE idempotency_keys (
    chat_id      bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    message_id   bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, key),
    CONSTRAINT idempotency_keys_key_length CHECK (char_length(key) BETWEEN 1 AND 255)
);

COMMENT ON TABLE idempotency_keys IS
    'Idempotency-Key of POST /chats/{id}/messages; kept at least 24 hours (chat-api prune-keys).';
COMMENT ON COLUMN idempotency_keys.request_hash IS 'sha256 of the validated message text.';

-- Serves the pruning of expired keys.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
-- Serves ON DELETE CASCADE from messages.
CREATE INDEX idempotency_keys_message_id_idx ON idempotency_keys (message_id);
