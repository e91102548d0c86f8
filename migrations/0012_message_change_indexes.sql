-- transactional: false
-- The indexes 0011's features need, built without blocking writes: replies by the message
-- they answer (ON DELETE SET NULL looks them up), edited messages by chat and event id (feed
-- catch-up), and the full-text index for message search. PostgreSQL's `russian` configuration
-- stems Cyrillic words with the Russian Snowball stemmer and Latin ones with the English one,
-- so one index serves both languages. Then the reply_to foreign key is validated (a scan that
-- does not block writes).
-- depends: 0011_message_changes

SET lock_timeout = '3s';
SET statement_timeout = '30min';

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_reply_to_idx
    ON messages (reply_to) WHERE reply_to IS NOT NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_chat_id_revision_idx
    ON messages (chat_id, revision) WHERE revision IS NOT NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_text_search_idx
    ON messages USING gin (to_tsvector('russian', text));

-- Validating again after a failure is harmless: it only scans.
-- squawk-ignore prefer-robust-stmts
ALTER TABLE messages VALIDATE CONSTRAINT messages_reply_to_fkey;
