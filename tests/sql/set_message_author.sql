-- name: set_message_author :exec
-- Makes a message someone's, for tests of who may change it.
-- $1 message_id bigint
-- $2 author text
-- returns: the command status
UPDATE messages SET author = $2::text WHERE id = $1::bigint;
