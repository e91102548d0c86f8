-- name: list_reactors :many
-- Who reacted to a message with an emoji, by user id (keyset: message_reactions_emoji_idx
-- serves it at any depth).
-- $1 message_id bigint
-- $2 emoji text
-- $3 after_user_id text: the page starts after this user id (NULL: from the first)
-- $4 limit integer: page size
-- returns: user_id (NULL for reactions made with authentication off), reacted_at
SELECT nullif(r.user_id, '') AS user_id, r.reacted_at
FROM message_reactions AS r
WHERE r.message_id = $1::bigint AND r.emoji = $2::text
  AND ($3::text IS NULL OR r.user_id > $3::text)
ORDER BY r.user_id
LIMIT $4::integer;
