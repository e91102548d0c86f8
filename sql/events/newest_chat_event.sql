-- name: newest_chat_event :one
-- The chat's newest event id: its newest message, edit, deletion, rename,
-- reaction or pin. A feed that
-- starts "from now" catches up from here after a lost listener.
-- $1 chat_id bigint
-- returns: newest (0 when nothing happened yet); no row when the chat does not exist
SELECT coalesce(
    greatest(
        (SELECT max(m.id) FROM messages AS m WHERE m.chat_id = c.id),
        (
            SELECT max(m.revision) FROM messages AS m
            WHERE m.chat_id = c.id AND m.revision IS NOT NULL
        ),
        (SELECT max(t.revision) FROM message_tombstones AS t WHERE t.chat_id = c.id),
        (SELECT max(a.revision) FROM chat_activity AS a WHERE a.chat_id = c.id),
        c.title_revision
    ),
    0
) AS newest
FROM chats AS c
WHERE c.id = $1::bigint;
