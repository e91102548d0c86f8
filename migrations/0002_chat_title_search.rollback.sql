-- Drops what 0002_chat_title_search created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP INDEX IF EXISTS chats_title_trgm_idx;
DROP EXTENSION IF EXISTS pg_trgm;
DROP SCHEMA IF EXISTS extensions;
