-- Drops everything 0001_initial_schema created.

DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS chats;
DROP FUNCTION IF EXISTS messages_count_inserted();
DROP FUNCTION IF EXISTS messages_count_deleted();
