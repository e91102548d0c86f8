-- name: insert_missing_chats :many
-- Creates the chats whose titles do not exist yet (idempotent demo data).
-- They have no owner, so they are public: a private one would be an admin's alone.
-- $1 titles text[]
-- returns: id, title of each chat created now; nothing for titles that already existed
INSERT INTO chats (title, visibility)
SELECT t.title, 'public' AS visibility
FROM unnest($1::text[]) WITH ORDINALITY AS t (title, position)
WHERE NOT EXISTS (SELECT 1 FROM chats AS c WHERE c.title = t.title)
ORDER BY t.position
RETURNING id, title;
