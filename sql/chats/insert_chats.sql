-- name: insert_chats :many
-- Creates many chats in one statement (seeding and bulk import).
-- They have no owner, so they are public: a private one would be an admin's alone.
-- $1 titles text[]: already validated
-- returns: id, title of each new chat
INSERT INTO chats (title, visibility)
SELECT title, 'public' AS visibility
FROM unnest($1::text[]) WITH ORDINALITY AS t (title, position)
ORDER BY position
RETURNING id, title;
