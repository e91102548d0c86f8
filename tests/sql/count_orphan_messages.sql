-- name: count_orphan_messages :scalar
-- Messages whose chat no longer exists (the cascade must leave none).
-- returns: count
SELECT count(*) FROM messages AS m WHERE NOT EXISTS (SELECT 1 FROM chats AS c WHERE c.id = m.chat_id);
