-- People in chats (AUTH_MODE=api_key or jwt): users, chat members with their own read
-- positions, chat visibility, and what the inbox sorts by.
--
-- A member's unread count is never counted message by message (a member a million messages
-- behind would cost a million index entries) and never written on a post (a chat with
-- 10,000 members would cost 10,000 writes per post). When a member's position moves, it
-- records how many of the chat's messages were at or below it (read_base) and the chat's
-- newest deletion at that moment (read_revision, from chats.deleted_revision); then
--     unread = message_count - read_base + (messages at or below the position deleted since)
-- and the last term reads only the deletions since the member last moved (member_unread).
-- Posts, marks and deletions all lock the chat row first, so no message at or below a
-- position can appear after it was recorded.
--
-- Catalog changes only, in one short transaction: new columns are nullable or take a
-- constant default (no rewrite), checks are added NOT VALID (0014 validates them), and the
-- new tables are empty. Existing chats get visibility 'public' (the default at the moment
-- the column is added) and keep no owner; new chats default to 'private'. 0014 fills in
-- last_message_* and the users of existing messages.
-- depends: 0012_message_change_indexes

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE users (
    id           text        PRIMARY KEY,
    display_name text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_id_length CHECK (char_length(id) BETWEEN 1 AND 255),
    CONSTRAINT users_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 100)
);

COMMENT ON TABLE users IS
    'Everyone seen by the API: an API key''s user (keys create --user) or a JWT''s sub.';
COMMENT ON COLUMN users.display_name IS
    'Set by PATCH /me, or from the JWT name claim while unset; NULL: none given.';

CREATE TABLE chat_members (
    chat_id       bigint      NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id       text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          text        NOT NULL,
    joined_at     timestamptz NOT NULL DEFAULT now(),
    last_read_id  bigint      NOT NULL DEFAULT 0,
    read_base     bigint      NOT NULL DEFAULT 0,
    read_revision bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, user_id),
    CONSTRAINT chat_members_role CHECK (role IN ('owner', 'member'))
);

-- "My chats": the inbox and the unread totals walk a user's memberships.
CREATE INDEX chat_members_user_id_chat_id_idx ON chat_members (user_id, chat_id);
-- "Is this the last owner?" without reading every member of a big chat.
CREATE INDEX chat_members_owners_idx ON chat_members (chat_id) WHERE role = 'owner';

COMMENT ON TABLE chat_members IS 'Who is in which chat, with which role and read position.';
COMMENT ON COLUMN chat_members.last_read_id IS
    'The member''s read position: its messages with an id at or below it are read.';
COMMENT ON COLUMN chat_members.read_base IS
    'How many of the chat''s messages had an id at or below last_read_id when it last moved.';
COMMENT ON COLUMN chat_members.read_revision IS
    'The chat''s deleted_revision when last_read_id last moved.';

ALTER TABLE chats ADD COLUMN visibility text NOT NULL DEFAULT 'public';
ALTER TABLE chats ALTER COLUMN visibility SET DEFAULT 'private';
ALTER TABLE chats
    ADD CONSTRAINT chats_visibility CHECK (visibility IN ('private', 'public')) NOT VALID;
ALTER TABLE chats ADD COLUMN member_count bigint NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN last_message_id bigint;
ALTER TABLE chats ADD COLUMN last_message_at timestamptz;
ALTER TABLE chats ADD COLUMN deleted_revision bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN chats.visibility IS
    'private: only members (and admin) see it; public: every read credential does.';
COMMENT ON COLUMN chats.member_count IS
    'Exact number of rows in chat_members for the chat, kept by chat_members_count_*.';
COMMENT ON COLUMN chats.last_message_id IS
    'The newest message (by created_at, id), kept by the messages_count_* triggers; NULL: none.';
COMMENT ON COLUMN chats.last_message_at IS 'created_at of last_message_id: what the inbox sorts by.';
COMMENT ON COLUMN chats.deleted_revision IS
    'The newest message_tombstones.revision of the chat (0: none), kept by messages_count_deleted.';

-- The messages at or below a member's position deleted since it last moved: read only when
-- the chat has had a deletion since then (member_unread below).
CREATE FUNCTION unread_deleted_since(chat_id bigint, last_read_id bigint, read_revision bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN (
        SELECT count(*)
        FROM message_tombstones AS t
        WHERE t.chat_id = unread_deleted_since.chat_id
          AND t.revision > unread_deleted_since.read_revision
          AND t.message_id <= unread_deleted_since.last_read_id
    );
END;
$$;

-- A member's unread messages (see the top of this file); NULL when member is NULL. One
-- expression without a subquery, so PostgreSQL inlines it into the queries that call it
-- (a function holding the subquery itself ran, and was planned, once per row and query).
CREATE FUNCTION member_unread(
    chat_id bigint, message_count bigint, deleted_revision bigint, last_read_id bigint,
    read_base bigint, read_revision bigint
) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT message_count - read_base + CASE
        WHEN deleted_revision <= read_revision THEN 0
        ELSE unread_deleted_since(chat_id, last_read_id, read_revision)
    END
$$;

CREATE FUNCTION chat_members_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET member_count = c.member_count + n.added
      FROM (SELECT chat_id, count(*) AS added FROM inserted_members GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION chat_members_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET member_count = c.member_count - n.removed
      FROM (SELECT chat_id, count(*) AS removed FROM deleted_members GROUP BY chat_id) AS n
     WHERE c.id = n.chat_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER chat_members_count_after_insert
    AFTER INSERT ON chat_members
    REFERENCING NEW TABLE AS inserted_members
    FOR EACH STATEMENT EXECUTE FUNCTION chat_members_count_inserted();

CREATE TRIGGER chat_members_count_after_delete
    AFTER DELETE ON chat_members
    REFERENCING OLD TABLE AS deleted_members
    FOR EACH STATEMENT EXECUTE FUNCTION chat_members_count_deleted();

-- 0008's counting, plus the chat's newest message: one UPDATE per chat and statement still.
CREATE OR REPLACE FUNCTION messages_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count + n.added,
           unread_count = c.unread_count + n.unread,
           last_message_id = CASE
               WHEN c.last_message_at IS NULL
                    OR (n.newest_at, n.newest_id) > (c.last_message_at, c.last_message_id)
               THEN n.newest_id ELSE c.last_message_id
           END,
           last_message_at = CASE
               WHEN c.last_message_at IS NULL
                    OR (n.newest_at, n.newest_id) > (c.last_message_at, c.last_message_id)
               THEN n.newest_at ELSE c.last_message_at
           END
      FROM (
          SELECT i.chat_id,
                 count(*) AS added,
                 count(*) FILTER (WHERE i.id > ch.last_read_id) AS unread,
                 (array_agg(i.id ORDER BY i.created_at DESC, i.id DESC))[1] AS newest_id,
                 max(i.created_at) AS newest_at
          FROM inserted_messages AS i
          JOIN chats AS ch ON ch.id = i.chat_id
          GROUP BY i.chat_id
      ) AS n
     WHERE c.id = n.chat_id;

    INSERT INTO chat_day_counts AS d (chat_id, day, messages)
    SELECT i.chat_id, (i.created_at AT TIME ZONE 'UTC')::date, count(*)
    FROM inserted_messages AS i
    GROUP BY 1, 2
    ON CONFLICT (chat_id, day) DO UPDATE SET messages = d.messages + excluded.messages;
    RETURN NULL;
END;
$$;

-- 0008's counting, plus the chat's newest deletion, and a new newest message when the newest
-- one went. delete_message.sql writes the tombstone in the same statement, so it is seen here.
CREATE OR REPLACE FUNCTION messages_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chats AS c
       SET message_count = c.message_count - n.removed,
           unread_count = c.unread_count - n.unread,
           deleted_revision = greatest(
               c.deleted_revision,
               (SELECT coalesce(max(t.revision), 0) FROM message_tombstones AS t WHERE t.chat_id = c.id)
           )
      FROM (
          SELECT d.chat_id,
                 count(*) AS removed,
                 count(*) FILTER (WHERE d.id > ch.last_read_id) AS unread
          FROM deleted_messages AS d
          JOIN chats AS ch ON ch.id = d.chat_id
          GROUP BY d.chat_id
      ) AS n
     WHERE c.id = n.chat_id;

    UPDATE chats AS c
       SET last_message_id = newest.id,
           last_message_at = newest.created_at
      FROM (SELECT DISTINCT d.chat_id FROM deleted_messages AS d) AS gone
      LEFT JOIN LATERAL (
          SELECT m.id, m.created_at
          FROM messages AS m
          WHERE m.chat_id = gone.chat_id
          ORDER BY m.created_at DESC, m.id DESC
          LIMIT 1
      ) AS newest ON true
     WHERE c.id = gone.chat_id
       AND c.last_message_id IN (SELECT d.id FROM deleted_messages AS d);

    -- A deleted chat's rows went with it (ON DELETE CASCADE): nothing left to update.
    UPDATE chat_day_counts AS c
       SET messages = c.messages - n.removed
      FROM (
          SELECT d.chat_id, (d.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS removed
          FROM deleted_messages AS d
          GROUP BY 1, 2
      ) AS n
     WHERE c.chat_id = n.chat_id
       AND c.day = n.day;
    RETURN NULL;
END;
$$;

ALTER TABLE api_keys ADD COLUMN user_id text;
ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_user_id_length CHECK (char_length(user_id) BETWEEN 1 AND 255) NOT VALID;
COMMENT ON COLUMN api_keys.user_id IS
    'The user the key acts for (keys create --user); NULL: the key''s name, as before 0013.';
