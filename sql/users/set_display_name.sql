-- name: set_display_name :one
-- Sets the caller's display name (recording the caller first if it is new).
-- $1 id text
-- $2 display_name text: 1-100 characters, already trimmed; NULL clears it
-- returns: id, display_name, created_at
INSERT INTO users AS u (id, display_name)
VALUES ($1::text, $2::text)
ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name
RETURNING u.id, u.display_name, u.created_at;
