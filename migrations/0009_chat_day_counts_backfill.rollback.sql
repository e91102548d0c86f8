-- Forgets the counts of messages from before 0008 and sets the backfill up to start over
-- (0008's rollback drops the table altogether). Like 0009, not in a transaction of yoyo's: the
-- DO block is one short transaction of its own that holds posts back while it swaps counts.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE IF NOT EXISTS chat_day_counts_backfill (
    boundary_id bigint NOT NULL,
    next_chat   bigint NOT NULL
);

DO $$
BEGIN
    LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE;
    TRUNCATE chat_day_counts_backfill;
    TRUNCATE chat_day_counts;
    INSERT INTO chat_day_counts_backfill (boundary_id, next_chat)
    SELECT coalesce(max(messages.id), 0) AS boundary_id, 0 AS next_chat FROM messages;
END
$$;
