-- name: record_user :exec
-- Records a user the first time it is seen; a display name from the identity provider (the
-- JWT name claim) fills one that is still unset, and never replaces one.
-- $1 id text: 1-255 characters
-- $2 display_name text: 1-100 characters, already trimmed; NULL: none offered
-- returns: nothing
INSERT INTO users AS u (id, display_name)
VALUES ($1::text, $2::text)
ON CONFLICT (id) DO UPDATE
    SET display_name = excluded.display_name
    WHERE u.display_name IS NULL AND excluded.display_name IS NOT NULL;
