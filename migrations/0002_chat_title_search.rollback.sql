-- Drops what 0002_chat_title_search created.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

-- This rollback runs in a transaction (as 0002 does), where CONCURRENTLY is not allowed; the
-- lock it needs is brief, and lock_timeout bounds the wait for it.
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX IF EXISTS chats_title_trgm_idx;
DROP EXTENSION IF EXISTS pg_trgm;
DROP SCHEMA IF EXISTS extensions;
