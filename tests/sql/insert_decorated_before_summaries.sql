-- name: insert_decorated_before_summaries :scalar
-- A thread root as it was before migration 0021 (0020's schema, whose triggers keep the
-- thread's counts): replies by bob, cat and bob again, mentions of bob then ann, reactions
-- 👍 (ann, bob) and then :tada: (bob).
-- returns: the root's id
WITH chat AS (
    INSERT INTO chats (title) VALUES ('from before summaries') RETURNING id
),
root AS (
    INSERT INTO messages (chat_id, text, author)
    SELECT chat.id AS chat_id, 'root' AS text, 'ann' AS author FROM chat
    RETURNING id, chat_id
),
replies AS (
    INSERT INTO messages (chat_id, text, author, thread_id)
    SELECT root.chat_id, 'reply' AS text, who.author, root.id AS thread_id
    FROM root
    CROSS JOIN unnest(ARRAY['bob', 'cat', 'bob']) AS who (author)
),
mentioned AS (
    INSERT INTO message_mentions (message_id, user_id, chat_id, ordinal)
    SELECT root.id AS message_id, given.user_id, root.chat_id, given.ordinal
    FROM root
    CROSS JOIN unnest(ARRAY['bob', 'ann']) WITH ORDINALITY AS given (user_id, ordinal)
),
reacted AS (
    INSERT INTO message_reactions (message_id, user_id, emoji)
    SELECT root.id AS message_id, r.user_id, r.emoji
    FROM root
    CROSS JOIN (VALUES ('ann', '👍'), ('bob', '👍'), ('bob', ':tada:')) AS r (user_id, emoji)
),
counted AS (
    INSERT INTO message_reaction_counts (message_id, emoji, total)
    SELECT root.id AS message_id, c.emoji, c.total
    FROM root
    CROSS JOIN (VALUES ('👍', 2), (':tada:', 1)) AS c (emoji, total)
    ORDER BY c.total DESC
)
SELECT root.id FROM root;
