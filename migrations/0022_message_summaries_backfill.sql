-- transactional: false
-- Fills in what 0021 keeps for the data from before it, without holding a lock on a live
-- table: every batch (a thousand rows, walked by key) commits on its own, and every statement
-- is safe to run again. Each fills in only what is still unrecorded (NULL, or no summary): a
-- write since 0021 records its own, and a row that a write changes meanwhile is re-checked
-- under its lock (no longer NULL) and left as the write made it. A summary inserted here from
-- an older snapshot loses to the upsert of a reaction that commits after it.
-- depends: 0021_message_summaries

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DO $$
DECLARE
    done_to bigint := 0;
    batch_end bigint;
BEGIN
    LOOP
        SELECT max(b.root_id) INTO batch_end
        FROM (
            SELECT t.root_id FROM thread_roots AS t
            WHERE t.root_id > done_to
            ORDER BY t.root_id
            LIMIT 1000
        ) AS b;
        EXIT WHEN batch_end IS NULL;
        UPDATE thread_roots AS t
           SET participants = thread_participants_first(t.root_id)
         WHERE t.root_id > done_to AND t.root_id <= batch_end
           AND t.participants IS NULL;
        COMMIT;
        done_to := batch_end;
    END LOOP;
END
$$;

DO $$
DECLARE
    done_to bigint := 0;
    batch_end bigint;
BEGIN
    LOOP
        SELECT max(b.message_id) INTO batch_end
        FROM (
            SELECT mm.message_id FROM message_mentions AS mm
            WHERE mm.message_id > done_to
            ORDER BY mm.message_id
            LIMIT 1000
        ) AS b;
        EXIT WHEN batch_end IS NULL;
        UPDATE messages AS m
           SET mentions = message_mentions_in_order(m.id)
         WHERE m.id IN (
             SELECT mm.message_id FROM message_mentions AS mm
             WHERE mm.message_id > done_to AND mm.message_id <= batch_end
         )
           AND m.mentions IS NULL;
        COMMIT;
        done_to := batch_end;
    END LOOP;
END
$$;

DO $$
DECLARE
    done_to bigint := 0;
    batch_end bigint;
BEGIN
    LOOP
        SELECT max(b.message_id) INTO batch_end
        FROM (
            SELECT r.message_id FROM message_reaction_counts AS r
            WHERE r.message_id > done_to
            ORDER BY r.message_id
            LIMIT 1000
        ) AS b;
        EXIT WHEN batch_end IS NULL;
        INSERT INTO message_reaction_summaries (
            message_id, emoji_count, reactions, reactions_all_mine
        )
        SELECT reacted.message_id, kept.emoji_count, kept.reactions, kept.reactions_all_mine
        FROM (
            SELECT DISTINCT r.message_id FROM message_reaction_counts AS r
            WHERE r.message_id > done_to AND r.message_id <= batch_end
        ) AS reacted
        CROSS JOIN LATERAL reaction_summary(reacted.message_id) AS kept
        ORDER BY reacted.message_id
        ON CONFLICT (message_id) DO NOTHING;
        COMMIT;
        done_to := batch_end;
    END LOOP;
END
$$;
