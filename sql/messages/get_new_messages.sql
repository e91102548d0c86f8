-- name: get_new_messages :scalar
-- Messages announced on the PostgreSQL bus, read once per process for every chat feed that
-- follows their chats (service/live/dispatch.py): one statement for all the announcements
-- that arrived together, however many, so the feeds keep up with any rate of posts. As
-- sql/messages/get_message.sql reads them with no viewer: is_read by the chat's shared
-- position. A message that is gone by now is left out.
-- $1 message_ids bigint[]
-- returns: a JSON array of message_json (migration 0019), in no particular order, as text
SELECT coalesce(json_agg(message_json(m.*, c.last_read_id, NULL)), '[]'::json)::text
FROM messages AS m
JOIN chats AS c ON m.chat_id = c.id
WHERE m.id = any($1::bigint []);
