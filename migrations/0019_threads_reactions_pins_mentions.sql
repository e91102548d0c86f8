-- Threads, reactions, pins and mentions, with every count kept rather than counted:
--
-- - threads: a reply names its root in messages.thread_id; thread_roots keeps each root's
--   reply_count and last reply, thread_participants each author's replies (the first five
--   are the root's participants). Triggers on messages keep both, for every insert and delete
--   path. A deleted root stays in thread_roots (root_deleted) while it has replies: the
--   thread still hangs from it. Its row goes with its last reply.
-- - reactions: one row per message, emoji and user; message_reaction_counts keeps each
--   emoji's count on a message, in first-reacted order (ordinal). A count that falls to 0
--   keeps its row (an emoji added again keeps its place): rows per message stay bounded by
--   the emoji ever used on it.
-- - pins: one row per pinned message; chats.members_can_pin says whether members (or only
--   owners) may pin.
-- - mentions: one row per message and mentioned user.
--
-- Reaction and pin changes are events: chat_activity holds them for chat feeds (event ids
-- from messages_id_seq, like every chat feed event), and a trigger copies each into the
-- event log for user feeds and webhooks, and announces the chat to its followers.
--
-- Every write here locks its chat row first, as posts do, so counts stay exact and events
-- follow commit order. message_json builds the message as the API shows it (where it is not
-- spelled out in the statement itself).
--
-- Catalog changes and new tables only: the new columns are nullable or take a constant
-- default (no rewrite), the event log's check is replaced NOT VALID (its new list holds the
-- old one, so old rows need no scan). 0020 builds the index of thread replies.
-- depends: 0018_webhooks

SET lock_timeout = '3s';
SET statement_timeout = '10s';

ALTER TABLE messages ADD COLUMN thread_id bigint;
COMMENT ON COLUMN messages.thread_id IS
    'The root message of the thread this one replies in; NULL: the chat''s main timeline.';

ALTER TABLE chats ADD COLUMN members_can_pin boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN chats.members_can_pin IS 'Members may pin (true) or only owners (false).';

CREATE TABLE thread_roots (
    root_id         bigint      PRIMARY KEY,
    chat_id         bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    root_created_at timestamptz NOT NULL,
    reply_count     bigint      NOT NULL DEFAULT 0,
    last_reply_at   timestamptz,
    root_deleted    boolean     NOT NULL DEFAULT false
);

COMMENT ON TABLE thread_roots IS
    'A message with thread replies: kept counts (triggers on messages, migration 0019).';

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX thread_roots_chat_id_idx ON thread_roots (chat_id);

CREATE TABLE thread_participants (
    root_id        bigint NOT NULL REFERENCES thread_roots (root_id) ON DELETE CASCADE,
    user_id        text   NOT NULL,
    replies        bigint NOT NULL,
    first_reply_id bigint NOT NULL,
    PRIMARY KEY (root_id, user_id)
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX thread_participants_order_idx ON thread_participants (root_id, first_reply_id);

-- By message and user first: a viewer's own reactions on a message (`me`) are one range.
CREATE TABLE message_reactions (
    message_id bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    text        NOT NULL,
    emoji      text        NOT NULL,
    reacted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, user_id, emoji)
);

-- Who reacted with an emoji, by user id (GET /messages/{id}/reactions/{emoji}).
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX message_reactions_emoji_idx ON message_reactions (message_id, emoji, user_id);

COMMENT ON COLUMN message_reactions.user_id IS
    'Who reacted; '''' when authentication is off (one shared caller, as read state is).';

CREATE TABLE message_reaction_counts (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      text   NOT NULL,
    total      bigint NOT NULL,
    ordinal    bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (message_id, emoji)
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX message_reaction_counts_order_idx ON message_reaction_counts (message_id, ordinal);

CREATE TABLE chat_pins (
    message_id bigint      PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    chat_id    bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    pinned_by  text,
    pinned_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX chat_pins_chat_id_idx ON chat_pins (chat_id, pinned_at DESC, message_id DESC);

CREATE TABLE message_mentions (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    text   NOT NULL,
    chat_id    bigint NOT NULL,
    ordinal    bigint NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- A member's unread mentions in a chat (those after its read position), and its mentions
-- across chats, newest first.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX message_mentions_user_chat_idx ON message_mentions (user_id, chat_id, message_id);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX message_mentions_user_idx ON message_mentions (user_id, message_id);

CREATE TABLE chat_activity (
    revision   bigint      PRIMARY KEY DEFAULT nextval('messages_id_seq'::regclass),
    chat_id    bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    event      text        NOT NULL,
    message_id bigint      NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chat_activity_event CHECK (event IN (
        'reaction_added', 'reaction_removed', 'message_pinned', 'message_unpinned'
    ))
);

COMMENT ON TABLE chat_activity IS
    'Reaction and pin events for chat feeds; kept as long as the event log (prune-events).';

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX chat_activity_chat_id_revision_idx ON chat_activity (chat_id, revision);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX chat_activity_created_at_idx ON chat_activity USING brin (created_at);

ALTER TABLE event_log DROP CONSTRAINT event_log_event;
ALTER TABLE event_log ADD CONSTRAINT event_log_event CHECK (event IN (
    'message', 'message_edited', 'message_deleted', 'chat_renamed', 'chat_deleted',
    'member_joined', 'member_left', 'chat_joined', 'chat_left', 'read',
    'reaction_added', 'reaction_removed', 'message_pinned', 'message_unpinned'
)) NOT VALID;

-- Replies posted: each root's count, last reply and participants. The chat row is locked by
-- the posting statement, so these read and write with no other writer of the chat.
CREATE FUNCTION threads_replies_inserted() RETURNS trigger
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
    RETURN NULL;
END;
$$;

-- Replies deleted: the counts follow; the last reply is read again from the thread's index.
-- A root deleted while it has replies stays as their tombstone; one with none left goes.
CREATE FUNCTION threads_messages_deleted() RETURNS trigger
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

CREATE TRIGGER messages_threads_after_insert
    AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION threads_replies_inserted();

CREATE TRIGGER messages_threads_after_delete
    AFTER DELETE ON messages
    REFERENCING OLD TABLE AS deleted_messages
    FOR EACH STATEMENT EXECUTE FUNCTION threads_messages_deleted();

-- Reaction and pin events reach user feeds and webhooks through the event log, and live
-- followers of the chat through chat_events (as edits do).
CREATE FUNCTION chat_activity_logged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_log (chat_id, event, message_id, data)
    SELECT a.chat_id, a.event, a.message_id, a.data FROM new_activity AS a ORDER BY a.revision;
    PERFORM pg_notify('chat_events', n.chat_id || ':changed')
    FROM (SELECT DISTINCT a.chat_id FROM new_activity AS a) AS n
    WHERE chat_is_followed(n.chat_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER chat_activity_log_after_insert
    AFTER INSERT ON chat_activity
    REFERENCING NEW TABLE AS new_activity
    FOR EACH STATEMENT EXECUTE FUNCTION chat_activity_logged();

-- Whether a reaction may be added: the message already has this emoji, or fewer than `most`
-- different ones; and whether a pin may: the message is pinned already, or the chat has
-- fewer than `most` pins. Both are read as of now: the writes that ask hold the chat row
-- lock by then, and a VOLATILE PL/pgSQL function reads with a fresh snapshot (see 0015), so
-- a change committed while the caller waited for the lock counts. What they count is
-- bounded by `most`.
CREATE FUNCTION reaction_allowed(reacted_message_id bigint, new_emoji text, most bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (
        SELECT count(*) FILTER (WHERE r.emoji = new_emoji) > 0 OR count(*) < most
        FROM message_reaction_counts AS r
        WHERE r.message_id = reacted_message_id AND r.total > 0
    );
END;
$$;

CREATE FUNCTION pin_allowed(pinned_chat_id bigint, pinned_message_id bigint, most bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (
        SELECT count(*) FILTER (WHERE p.message_id = pinned_message_id) > 0 OR count(*) < most
        FROM chat_pins AS p
        WHERE p.chat_id = pinned_chat_id
    );
END;
$$;

-- A root's thread summary: reply_count, last_reply_at and the first five distinct authors
-- of its replies; NULL when it has no replies. (message_json spells it out: a function call
-- per message is measurable on a page; thread_json serves a deleted root's tombstone.)
CREATE FUNCTION thread_json(root bigint) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'reply_count', t.reply_count,
        'last_reply_at', api_time(t.last_reply_at),
        'participants', array(
            SELECT tp.user_id FROM thread_participants AS tp
            WHERE tp.root_id = t.root_id AND tp.replies > 0
            ORDER BY tp.first_reply_id
            LIMIT 5
        )
    )
    FROM thread_roots AS t
    WHERE t.root_id = root AND t.reply_count > 0
$$;

-- A message as the API shows it (MessagePublic), for a viewer whose read position is read_id
-- (NULL: not a member, so is_read is null) and whose user id is viewer ('' or NULL when
-- authentication is off). Each part is one index probe or range (the viewer's own reactions
-- are one range, not a probe per emoji): a message costs the same however long its thread,
-- or however many reacted. A call costs some 40 us of executor set-up, so the hot pages (a
-- chat's latest messages and its keyset pages, sql/chats/ and sql/timeline/) spell the same
-- object out in their own statement; tests/api/test_message_shape.py holds them to it.
CREATE FUNCTION message_json(m messages, read_id bigint, viewer text) RETURNS json
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
                'participants', array(
                    SELECT tp.user_id FROM thread_participants AS tp
                    WHERE tp.root_id = t.root_id AND tp.replies > 0
                    ORDER BY tp.first_reply_id
                    LIMIT 5
                )
            )
            FROM thread_roots AS t
            WHERE t.root_id = m.id AND t.reply_count > 0
        ),
        'reactions', coalesce(
            (
                -- A row to json_agg in the order its subquery gives: a third faster than
                -- json_build_object per reaction.
                SELECT json_agg(o.*)
                FROM (
                    SELECT r.emoji, r.total AS count, r.emoji = any(mine.emoji) AS me
                    FROM message_reaction_counts AS r
                    CROSS JOIN (
                        SELECT array(
                            SELECT x.emoji FROM message_reactions AS x
                            WHERE x.message_id = m.id AND x.user_id = coalesce(viewer, '')
                        ) AS emoji
                    ) AS mine
                    WHERE r.message_id = m.id AND r.total > 0
                    ORDER BY r.ordinal
                ) AS o
            ),
            '[]'::json
        ),
        'pinned_at', (SELECT api_time(p.pinned_at) FROM chat_pins AS p WHERE p.message_id = m.id),
        'mentions', array(
            SELECT mm.user_id FROM message_mentions AS mm
            WHERE mm.message_id = m.id
            ORDER BY mm.ordinal
        ),
        'deleted', FALSE
    )
$$;
