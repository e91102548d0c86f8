-- name: lock_chat :scalar
-- Locks a chat's row for the rest of the transaction, as posting does, before a statement that
-- must see every message committed so far: under READ COMMITTED that next statement's
-- snapshot is taken after the lock is granted, so no post can commit unseen in between.
-- $1 chat_id bigint
-- returns: the chat's id, or NULL when there is no such chat
SELECT c.id FROM chats AS c WHERE c.id = $1::bigint FOR NO KEY UPDATE;
