-- Drops what 0002_chat_title_search created.

DROP INDEX IF EXISTS chats_title_trgm_idx;
DROP EXTENSION IF EXISTS pg_trgm;
DROP SCHEMA IF EXISTS extensions;
