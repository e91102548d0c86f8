-- name: insert_chats :many
-- Creates many chats in one statement (seeding and bulk import).
-- $1 titles text[]: already validated
-- returns: id, title of each new chat
INSERT INTO chats (title)
SELECT title
FROM unnest($1::text[]) WITH ORDINALITY AS t (title, position)
ORDER BY position
RETURNING id, title;
