-- name: all_messages :many
-- Every message, in id order: what a failover left committed, to check the clients against.
-- returns: id, chat_id, text
SELECT id, chat_id, text FROM messages ORDER BY id;
