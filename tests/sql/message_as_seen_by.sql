-- name: message_as_seen_by :scalar
-- A message as the API shows it to a viewer (message_json).
-- $1 message_id bigint
-- $2 viewer text
-- returns: the message's JSON as text
SELECT message_json(m.*, NULL, $2::text)::text FROM messages AS m WHERE m.id = $1::bigint;
