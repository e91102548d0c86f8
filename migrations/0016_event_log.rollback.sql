-- Drops 0016's event log, its triggers and functions, and the user followers.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TRIGGER IF EXISTS chat_members_log_after_delete ON chat_members;
DROP TRIGGER IF EXISTS chat_members_log_after_insert ON chat_members;
DROP TRIGGER IF EXISTS chats_log_before_delete ON chats;
DROP TRIGGER IF EXISTS chats_log_after_rename ON chats;
DROP TRIGGER IF EXISTS message_tombstones_log_after_insert ON message_tombstones;
DROP TRIGGER IF EXISTS messages_log_after_update ON messages;
DROP TRIGGER IF EXISTS messages_log_after_insert ON messages;
DROP FUNCTION IF EXISTS event_log_members_removed();
DROP FUNCTION IF EXISTS event_log_members_added();
DROP FUNCTION IF EXISTS event_log_chat_deleted();
DROP FUNCTION IF EXISTS event_log_chat_renamed();
DROP FUNCTION IF EXISTS event_log_messages_deleted();
DROP FUNCTION IF EXISTS event_log_messages_edited();
DROP FUNCTION IF EXISTS event_log_messages_inserted();
DROP FUNCTION IF EXISTS user_is_followed(text);
DROP TABLE IF EXISTS typing_announced;
DROP TABLE IF EXISTS user_followers;
DROP TABLE IF EXISTS event_log;
