-- Drops what 0011 added.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP FUNCTION IF EXISTS request_hash(text, bigint);
DROP TABLE IF EXISTS message_tombstones;
ALTER TABLE chats DROP COLUMN IF EXISTS title_revision;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_reply_to_fkey;
ALTER TABLE messages DROP COLUMN IF EXISTS reply_to;
ALTER TABLE messages DROP COLUMN IF EXISTS revision;
ALTER TABLE messages DROP COLUMN IF EXISTS edited_at;
