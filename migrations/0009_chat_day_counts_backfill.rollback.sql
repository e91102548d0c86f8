-- Forgets the counts of messages from before 0008 and starts the backfill over; 0008's
-- rollback drops the table altogether.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

TRUNCATE chat_day_counts;

CREATE TABLE chat_day_counts_backfill (
    boundary_id bigint NOT NULL,
    next_chat   bigint NOT NULL
);

INSERT INTO chat_day_counts_backfill (boundary_id, next_chat)
SELECT coalesce(max(id), 0), 0 FROM messages;
