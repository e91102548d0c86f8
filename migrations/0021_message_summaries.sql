-- Kept summaries for the message pages. Opening a chat gathered each message's thread
-- participants, mentions and reactions from their own tables, a subquery (and a sort) per
-- message and part: with 10 reactions, a thread and mentions on each of the latest 20
-- messages it took twice the time of a chat without them. Each part is now kept where the
-- page reads it in one probe, by triggers, so every write path (and code older than this
-- migration, during a rolling deploy) keeps it:
--
-- - thread_roots.participants: the first five distinct authors with replies, recomputed from
--   thread_participants when a reply brings an author not yet among them, and on deletes.
-- - messages.mentions: the user ids the message mentions, in their order, recomputed from
--   message_mentions (which stays the index of who is mentioned where) when they change.
-- - message_reaction_summaries: a reacted message's reactions as JSON twice, as a viewer
--   who reacted with none of them sees it and as one who reacted with all of them (most
--   messages, for most viewers: a message with one emoji is always one or the other), and
--   how many emoji it has; recomputed from message_reaction_counts when a count changes. A
--   page counts the viewer's own reactions on the message (one index range) to pick one;
--   only a viewer with some of them has the reactions built per reaction.
--
-- What a recomputation reads is bounded: five participants, a message's mentions, the emoji
-- used on a message. Every write of these holds its chat row lock (0019), so recomputations
-- of one message or thread never interleave.
--
-- NULL in the new columns means "not recorded yet": rows from before this migration, which
-- 0022 fills in (NULL, not '{}', so the backfill can tell them from a recorded "none" that a
-- write set meanwhile). Pages read them through coalesce.
--
-- Catalog changes and new, empty tables only: the columns are nullable without a default
-- (no rewrite, no scan).
-- depends: 0020_thread_index

SET lock_timeout = '3s';
SET statement_timeout = '10s';

ALTER TABLE thread_roots ADD COLUMN participants text [];
COMMENT ON COLUMN thread_roots.participants IS
    'The first five distinct authors with replies (thread_participants); NULL: not recorded.';

ALTER TABLE messages ADD COLUMN mentions text [];
COMMENT ON COLUMN messages.mentions IS
    'The user ids it mentions, in order (message_mentions); NULL: none recorded (see 0021).';

CREATE TABLE message_reaction_summaries (
    message_id         bigint  PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    emoji_count        bigint  NOT NULL,
    reactions          json    NOT NULL,
    reactions_all_mine json    NOT NULL
);

COMMENT ON TABLE message_reaction_summaries IS
    'A reacted message''s reactions as JSON, with every `me` false and with every `me` true.';

-- The first five distinct authors of a thread's replies, in the order they first replied.
CREATE FUNCTION thread_participants_first(root bigint) RETURNS text []
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT array(
        SELECT tp.user_id FROM thread_participants AS tp
        WHERE tp.root_id = root AND tp.replies > 0
        ORDER BY tp.first_reply_id
        LIMIT 5
    )
$$;

-- A message's mentions, in the order given.
CREATE FUNCTION message_mentions_in_order(mentioning bigint) RETURNS text []
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT array(
        SELECT mm.user_id FROM message_mentions AS mm
        WHERE mm.message_id = mentioning
        ORDER BY mm.ordinal
    )
$$;

-- A message's reactions as the API shows them (first-reacted order, counts above 0), with
-- every `me` false and with every `me` true, and how many emoji they are.
CREATE FUNCTION reaction_summary(
    reacted bigint, OUT emoji_count bigint, OUT reactions json, OUT reactions_all_mine json
)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH kept AS (
        SELECT r.emoji, r.total AS count, r.ordinal
        FROM message_reaction_counts AS r
        WHERE r.message_id = reacted AND r.total > 0
    )
    SELECT
        (SELECT count(*) FROM kept),
        coalesce(
            (
                SELECT json_agg(o.*)
                FROM (SELECT k.emoji, k.count, FALSE AS me FROM kept AS k ORDER BY k.ordinal) AS o
            ),
            '[]'
        ),
        coalesce(
            (
                SELECT json_agg(o.*)
                FROM (SELECT k.emoji, k.count, TRUE AS me FROM kept AS k ORDER BY k.ordinal) AS o
            ),
            '[]'
        )
$$;

-- The threads triggers of 0019, keeping participants too. On a reply, only when an author
-- not among the recorded participants replies (most replies change nothing there).
CREATE OR REPLACE FUNCTION threads_replies_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO thread_roots AS t (root_id, chat_id, root_created_at, reply_count, last_reply_at)
    SELECT r.thread_id, root.chat_id, root.created_at, count(*), max(r.created_at)
    FROM inserted_messages AS r
    JOIN messages AS root ON r.thread_id = root.id
    GROUP BY r.thread_id, root.chat_id, root.created_at
    ORDER BY r.thread_id
    ON CONFLICT (root_id) DO UPDATE
        SET reply_count = t.reply_count + excluded.reply_count,
            last_reply_at = greatest(t.last_reply_at, excluded.last_reply_at);
    INSERT INTO thread_participants AS p (root_id, user_id, replies, first_reply_id)
    SELECT r.thread_id, r.author, count(*), min(r.id)
    FROM inserted_messages AS r
    WHERE r.thread_id IS NOT NULL AND r.author IS NOT NULL
    GROUP BY r.thread_id, r.author
    ORDER BY r.thread_id, r.author
    ON CONFLICT (root_id, user_id) DO UPDATE SET replies = p.replies + excluded.replies;
    UPDATE thread_roots AS t
       SET participants = thread_participants_first(t.root_id)
     WHERE t.root_id IN (SELECT r.thread_id FROM inserted_messages AS r WHERE r.thread_id IS NOT NULL)
       AND (
           t.participants IS NULL
           OR EXISTS (
               SELECT 1 FROM inserted_messages AS r
               WHERE r.thread_id = t.root_id AND r.author IS NOT NULL
                 AND r.author <> all(t.participants)
           )
       );
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION threads_messages_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE thread_roots AS t
       SET reply_count = t.reply_count - gone.replies,
           last_reply_at = (
               SELECT max(m.created_at) FROM messages AS m WHERE m.thread_id = t.root_id
           )
      FROM (
          SELECT d.thread_id, count(*) AS replies
          FROM deleted_messages AS d
          WHERE d.thread_id IS NOT NULL
          GROUP BY d.thread_id
      ) AS gone
     WHERE t.root_id = gone.thread_id;
    UPDATE thread_participants AS p
       SET replies = p.replies - gone.replies
      FROM (
          SELECT d.thread_id, d.author, count(*) AS replies
          FROM deleted_messages AS d
          WHERE d.thread_id IS NOT NULL AND d.author IS NOT NULL
          GROUP BY d.thread_id, d.author
      ) AS gone
     WHERE p.root_id = gone.thread_id AND p.user_id = gone.author;
    UPDATE thread_roots AS t
       SET participants = thread_participants_first(t.root_id)
     WHERE t.root_id IN (SELECT d.thread_id FROM deleted_messages AS d WHERE d.thread_id IS NOT NULL);
    UPDATE thread_roots AS t
       SET root_deleted = true
      FROM deleted_messages AS d
     WHERE t.root_id = d.id;
    DELETE FROM thread_roots AS t
     WHERE t.root_deleted AND t.reply_count = 0
       AND t.root_id IN (
           SELECT d.id FROM deleted_messages AS d
           UNION ALL
           SELECT d.thread_id FROM deleted_messages AS d WHERE d.thread_id IS NOT NULL
       );
    RETURN NULL;
END;
$$;

-- Mentions added, reordered or removed (a post, an edit): the message's list follows. A
-- transition table serves one event only, hence a trigger per event, all on this function.
CREATE FUNCTION message_mentions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages AS m
       SET mentions = message_mentions_in_order(m.id)
     WHERE m.id IN (SELECT c.message_id FROM changed_mentions AS c);
    RETURN NULL;
END;
$$;

CREATE TRIGGER message_mentions_after_insert
    AFTER INSERT ON message_mentions
    REFERENCING NEW TABLE AS changed_mentions
    FOR EACH STATEMENT EXECUTE FUNCTION message_mentions_changed();

CREATE TRIGGER message_mentions_after_update
    AFTER UPDATE ON message_mentions
    REFERENCING NEW TABLE AS changed_mentions
    FOR EACH STATEMENT EXECUTE FUNCTION message_mentions_changed();

CREATE TRIGGER message_mentions_after_delete
    AFTER DELETE ON message_mentions
    REFERENCING OLD TABLE AS changed_mentions
    FOR EACH STATEMENT EXECUTE FUNCTION message_mentions_changed();

-- A reaction count changed: the message's summary follows (counts rows go only with their
-- message, and the summary with it).
CREATE FUNCTION reaction_counts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_reaction_summaries AS s (
        message_id, emoji_count, reactions, reactions_all_mine
    )
    SELECT changed.message_id, kept.emoji_count, kept.reactions, kept.reactions_all_mine
    FROM (SELECT DISTINCT c.message_id FROM changed_counts AS c) AS changed
    CROSS JOIN LATERAL reaction_summary(changed.message_id) AS kept
    ORDER BY changed.message_id
    ON CONFLICT (message_id) DO UPDATE
        SET emoji_count = excluded.emoji_count,
            reactions = excluded.reactions,
            reactions_all_mine = excluded.reactions_all_mine;
    RETURN NULL;
END;
$$;

CREATE TRIGGER message_reaction_counts_after_insert
    AFTER INSERT ON message_reaction_counts
    REFERENCING NEW TABLE AS changed_counts
    FOR EACH STATEMENT EXECUTE FUNCTION reaction_counts_changed();

CREATE TRIGGER message_reaction_counts_after_update
    AFTER UPDATE ON message_reaction_counts
    REFERENCING NEW TABLE AS changed_counts
    FOR EACH STATEMENT EXECUTE FUNCTION reaction_counts_changed();

CREATE OR REPLACE FUNCTION thread_json(root bigint) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'reply_count', t.reply_count,
        'last_reply_at', api_time(t.last_reply_at),
        'participants', coalesce(t.participants, '{}')
    )
    FROM thread_roots AS t
    WHERE t.root_id = root AND t.reply_count > 0
$$;

-- A message as the API shows it (see 0019), from the kept summaries. The hot pages (sql/chats/
-- and sql/timeline/) spell the same object out; tests/api/test_message_shape.py holds them
-- to it.
CREATE OR REPLACE FUNCTION message_json(m messages, read_id bigint, viewer text) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'id', m.id,
        'chat_id', m.chat_id,
        'text', m.text,
        'created_at', api_time(m.created_at),
        'is_read', m.id <= read_id,
        'author', m.author,
        'edited_at', api_time(m.edited_at),
        'reply_to', m.reply_to,
        'thread_id', m.thread_id,
        'thread', (
            SELECT json_build_object(
                'reply_count', t.reply_count,
                'last_reply_at', api_time(t.last_reply_at),
                'participants', coalesce(t.participants, '{}')
            )
            FROM thread_roots AS t
            WHERE t.root_id = m.id AND t.reply_count > 0
        ),
        'reactions', coalesce(
            (
                SELECT CASE cardinality(mine.emoji)
                    WHEN 0 THEN s.reactions
                    WHEN s.emoji_count THEN s.reactions_all_mine
                    ELSE (
                        SELECT json_agg(o.*)
                        FROM (
                            SELECT r.emoji, r.total AS count, r.emoji = any(mine.emoji) AS me
                            FROM message_reaction_counts AS r
                            WHERE r.message_id = m.id AND r.total > 0
                            ORDER BY r.ordinal
                        ) AS o
                    )
                END
                FROM message_reaction_summaries AS s
                CROSS JOIN (
                    SELECT array(
                        SELECT x.emoji FROM message_reactions AS x
                        WHERE x.message_id = m.id AND x.user_id = coalesce(viewer, '')
                    ) AS emoji
                ) AS mine
                WHERE s.message_id = m.id
            ),
            '[]'::json
        ),
        'pinned_at', (SELECT api_time(p.pinned_at) FROM chat_pins AS p WHERE p.message_id = m.id),
        'mentions', coalesce(m.mentions, '{}'),
        'deleted', FALSE
    )
$$;
