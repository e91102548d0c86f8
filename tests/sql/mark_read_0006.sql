-- name: mark_read_0006 :exec
-- How marking read worked up to migration 0006 (per-message flags), to build an old database.
-- $1 chat_id bigint
-- $2 up_to_id bigint
-- returns: nothing
UPDATE messages AS m
SET is_read = true
WHERE m.chat_id = $1::bigint
  AND m.id <= $2::bigint
  AND NOT m.is_read;
