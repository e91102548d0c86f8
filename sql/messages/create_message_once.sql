-- name: create_message_once :one
-- Posts a message under a client's Idempotency-Key: the first use creates the message and
-- records the key; a later use returns the message the key created instead. Like
-- create_message it locks the chat row first, lets only members (and admin) post with
-- authentication on, and moves a member author's read position to the new message. Two first uses at the same moment: the loser
-- fails on the idempotency_keys primary key (23505) and is retried by the service, then sees
-- the winner's message.
-- $1 chat_id bigint
-- $2 text text: already trimmed and validated
-- $3 key text: the Idempotency-Key header
-- $4 author text: who posts it (NULL when authentication is off)
-- $5 reply_to bigint: the message it answers, in the same chat (NULL: none); part of the
--   request a key is bound to
-- $6 admin boolean: the author has the admin scope, which may post without being a member
-- $7 thread_id bigint: the root of the thread it replies in (NULL: the main timeline), as in
--   create_message.sql
-- $8 mentions text[]: the user ids it mentions, members of the chat (checked before)
-- returns: replayed (true when the key was used before), same_request (whether that use had the
--   same request), id, chat_id, text, created_at, is_read, author, edited_at, reply_to,
--   thread_id, mentions (text[]); no row when the chat does not exist, the
--   author may not post into it, or $5 or $7 is not one of its messages
WITH chat AS (
    SELECT c.id, c.last_read_id, c.message_count, c.deleted_revision,
           me.user_id IS NOT NULL AS by_member, me.last_read_id AS member_last_read_id
    FROM chats AS c
    LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $4::text
    WHERE c.id = $1::bigint
      AND ($4::text IS NULL OR $6::boolean OR me.user_id IS NOT NULL)
    FOR NO KEY UPDATE OF c
),
previous AS (
    SELECT k.request_hash, m.id, m.chat_id, m.text, m.created_at,
           CASE
               WHEN $4::text IS NULL THEN m.id <= chat.last_read_id
               ELSE m.id <= chat.member_last_read_id
           END AS is_read,
           m.author, m.edited_at, m.reply_to, m.thread_id,
           coalesce(m.mentions, '{}') AS mentions
    FROM idempotency_keys AS k
    JOIN messages AS m ON k.message_id = m.id
    JOIN chat ON m.chat_id = chat.id
    WHERE k.chat_id = $1::bigint
      AND k.key = $3::text
),
inserted AS (
    INSERT INTO messages (chat_id, text, created_at, author, reply_to, thread_id)
    SELECT chat.id AS chat_id, $2::text AS text, clock_timestamp() AS created_at,
           $4::text AS author, $5::bigint AS reply_to, $7::bigint AS thread_id
    FROM chat
    WHERE NOT EXISTS (SELECT 1 FROM previous)
      AND (
          $5::bigint IS NULL
          OR EXISTS (SELECT 1 FROM messages AS r WHERE r.id = $5::bigint AND r.chat_id = chat.id)
      )
      AND (
          $7::bigint IS NULL
          OR EXISTS (
              SELECT 1 FROM messages AS root
              WHERE root.id = $7::bigint AND root.chat_id = chat.id AND root.thread_id IS NULL
          )
      )
    RETURNING id, chat_id, text, created_at, author, edited_at, reply_to, thread_id
),
mentioned AS (
    INSERT INTO message_mentions (message_id, user_id, chat_id, ordinal)
    SELECT i.id AS message_id, given.user_id, i.chat_id, given.ordinal
    FROM inserted AS i
    CROSS JOIN unnest($8::text []) WITH ORDINALITY AS given (user_id, ordinal)
    RETURNING user_id, ordinal
),
recorded AS (
    INSERT INTO idempotency_keys (chat_id, key, request_hash, message_id)
    SELECT inserted.chat_id, $3::text AS key, request_hash($2::text, $5::bigint) AS request_hash,
           inserted.id AS message_id
    FROM inserted
),
read_own AS (
    UPDATE chat_members AS me
       SET last_read_id = i.id,
           read_base = chat.message_count + 1,
           read_revision = chat.deleted_revision
      FROM inserted AS i
      CROSS JOIN chat
     WHERE me.chat_id = chat.id AND me.user_id = $4::text
    RETURNING me.user_id
)
SELECT FALSE AS replayed, TRUE AS same_request, i.id, i.chat_id, i.text, i.created_at,
       CASE
           WHEN $4::text IS NULL THEN i.id <= chat.last_read_id
           WHEN chat.by_member THEN (SELECT count(*) = 1 FROM read_own)
       END AS is_read,
       i.author, i.edited_at, i.reply_to, i.thread_id,
       array(SELECT n.user_id FROM mentioned AS n ORDER BY n.ordinal) AS mentions
FROM inserted AS i
CROSS JOIN chat
UNION ALL
SELECT TRUE AS replayed, request_hash = request_hash($2::text, $5::bigint) AS same_request,
       id, chat_id, text, created_at, is_read, author, edited_at, reply_to, thread_id, mentions
FROM previous;
