-- Drops what 0004_message_events created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TRIGGER IF EXISTS messages_notify_after_insert ON messages;
DROP TRIGGER IF EXISTS chats_notify_after_delete ON chats;
DROP FUNCTION IF EXISTS messages_notify_inserted();
DROP FUNCTION IF EXISTS chats_notify_deleted();
DROP TABLE IF EXISTS chat_followers;
