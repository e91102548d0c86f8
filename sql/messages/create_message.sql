-- name: create_message :one
-- Posts a message into a chat. Locking the chat row first serialises posts per chat, so within
-- a chat ids, created_at and commit order all agree: a message that becomes visible later
-- always sorts newer, and keyset pages (before_id/after_id) never miss one. The
-- messages_count_after_insert trigger adds it to the chat's message_count. With
-- authentication on, only members (and admin) may post, and the author has read what they
-- post: a member author's read position moves to the new message (one row, however many
-- members the chat has).
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated (1-5000 characters)
-- $3 author text: who posts it (NULL when authentication is off)
-- $4 reply_to bigint: the message it answers, which must be in the same chat (NULL: none)
-- $5 admin boolean: the author has the admin scope, which may post without being a member
-- $6 thread_id bigint: the root of the thread it replies in, a message of the same chat that
--   is not itself a reply (NULL: the main timeline); the threads triggers (0019) count it
-- $7 mentions text[]: the user ids it mentions, members of the chat (checked before)
-- returns: id, chat_id, text, created_at, is_read, author, edited_at, reply_to, thread_id,
--   mentions (text[]); no row when the chat does not exist, the author may not post into it,
--   or $4 or $6 is not one of its messages
WITH chat AS (
    SELECT c.id, c.last_read_id, c.message_count, c.deleted_revision,
           me.user_id IS NOT NULL AS by_member
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $3::text
    WHERE c.id = $1::bigint
      AND ($3::text IS NULL OR $5::boolean OR me.user_id IS NOT NULL)
    FOR NO KEY UPDATE OF c
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at, author, reply_to, thread_id)
    SELECT chat.id AS chat_id, $2::text AS text, clock_timestamp() AS created_at,
           $3::text AS author, $4::bigint AS reply_to, $6::bigint AS thread_id
    FROM chat
    WHERE (
        $4::bigint IS NULL
        OR EXISTS (SELECT 1 FROM messages AS r WHERE r.id = $4::bigint AND r.chat_id = chat.id)
    )
      AND (
          $6::bigint IS NULL
          OR EXISTS (
              SELECT 1 FROM messages AS root
              WHERE root.id = $6::bigint AND root.chat_id = chat.id AND root.thread_id IS NULL
          )
      )
    RETURNING id, chat_id, text, created_at, author, edited_at, reply_to, thread_id
),
mentioned AS (
    INSERT INTO message_mentions (message_id, user_id, chat_id, ordinal)
    SELECT i.id AS message_id, given.user_id, i.chat_id, given.ordinal
    FROM inserted AS i
    CROSS JOIN unnest($7::text []) WITH ORDINALITY AS given (user_id, ordinal)
    RETURNING user_id, ordinal
),
read_own AS (
    UPDATE chat_members AS me
       SET last_read_id = i.id,
           read_base = chat.message_count + 1,
           read_revision = chat.deleted_revision
      FROM inserted AS i
      CROSS JOIN chat
     WHERE me.chat_id = chat.id AND me.user_id = $3::text
    RETURNING me.user_id
)
SELECT i.id, i.chat_id, i.text, i.created_at,
       CASE
           WHEN $3::text IS NULL THEN i.id <= chat.last_read_id
           WHEN chat.by_member THEN (SELECT count(*) = 1 FROM read_own)
       END AS is_read,
       i.author, i.edited_at, i.reply_to, i.thread_id,
       array(SELECT n.user_id FROM mentioned AS n ORDER BY n.ordinal) AS mentions
FROM inserted AS i
CROSS JOIN chat;
