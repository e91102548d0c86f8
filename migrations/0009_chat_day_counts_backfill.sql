-- transactional: false
-- Counts the messages that existed before 0008's triggers into chat_day_counts, chat by chat,
-- each chat committed on its own so no lock is held for long. It records its progress in
-- chat_day_counts_backfill, so running it again after a failure carries on where it stopped.
-- depends: 0008_chat_day_counts

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DO $$
DECLARE
    state record;
    chat bigint;
BEGIN
    SELECT boundary_id, next_chat INTO state FROM chat_day_counts_backfill;
    FOR chat IN SELECT id FROM chats WHERE id >= state.next_chat ORDER BY id LOOP
        INSERT INTO chat_day_counts AS d (chat_id, day, messages)
        SELECT m.chat_id, (m.created_at AT TIME ZONE 'UTC')::date, count(*)
        FROM messages AS m
        WHERE m.chat_id = chat
          AND m.id <= state.boundary_id
        GROUP BY 1, 2
        ON CONFLICT (chat_id, day) DO UPDATE SET messages = d.messages + excluded.messages;
        UPDATE chat_day_counts_backfill SET next_chat = chat + 1;
        COMMIT;
    END LOOP;
END
$$;

DROP TABLE IF EXISTS chat_day_counts_backfill;
