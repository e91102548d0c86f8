-- name: insert_messages :scalar
-- Inserts many messages in one round trip; the statement-level trigger adds them to each
-- chat's message_count once per chat.
-- $1 chat_ids bigint[]
-- $2 texts text[]: same length as $1, already validated
-- returns: how many messages were inserted
WITH inserted AS (
    INSERT INTO messages (chat_id, text)
    SELECT chat_id, text
    FROM unnest($1::bigint[], $2::text[]) AS m (chat_id, text)
    RETURNING 1
)
SELECT count(*) FROM inserted;
