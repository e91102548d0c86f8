-- name: people_backfill_state :one
-- What migration 0014 should have filled in for a chat from before 0013.
-- $1 chat_id bigint
-- returns: visibility, member_count, last_message_id, newest_id (counted), last_message_at,
--   users (the authors recorded, with their first message's time), valid (both checks)
SELECT c.visibility,
       c.member_count,
       c.last_message_id,
       (
           SELECT m.id FROM messages AS m WHERE m.chat_id = c.id
           ORDER BY m.created_at DESC, m.id DESC LIMIT 1
       ) AS newest_id,
       c.last_message_at,
       (
           SELECT json_object_agg(u.id, u.created_at ORDER BY u.id)::text FROM users AS u
       ) AS users,
       (
           SELECT bool_and(con.convalidated) FROM pg_constraint AS con
           WHERE con.conname IN ('chats_visibility', 'api_keys_user_id_length')
       ) AS valid
FROM chats AS c
WHERE c.id = $1::bigint;
