-- Drops everything 0001_initial_schema created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS chats;
DROP FUNCTION IF EXISTS messages_count_inserted();
DROP FUNCTION IF EXISTS messages_count_deleted();
