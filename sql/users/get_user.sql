-- name: get_user :one
-- A user's public fields.
-- $1 id text
-- returns: id, display_name, created_at; no row for a user never seen
SELECT u.id, u.display_name, u.created_at
FROM users AS u
WHERE u.id = $1::text;
