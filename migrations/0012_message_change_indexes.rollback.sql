-- transactional: false
-- Drops 0012's indexes without blocking writes (the foreign key goes with 0011's rollback).

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DROP INDEX CONCURRENTLY IF EXISTS messages_text_search_idx;
DROP INDEX CONCURRENTLY IF EXISTS messages_chat_id_revision_idx;
DROP INDEX CONCURRENTLY IF EXISTS messages_reply_to_idx;
