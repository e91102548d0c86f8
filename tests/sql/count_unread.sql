-- name: count_unread :one
-- A chat's stored counters beside what its messages really say (tests of exactness).
-- $1 chat_id bigint
-- returns: message_count, unread_count (stored), messages, unread (counted)
SELECT c.message_count,
       c.unread_count,
       (SELECT count(*) FROM messages AS m WHERE m.chat_id = c.id) AS messages,
       (
           SELECT count(*) FROM messages AS m WHERE m.chat_id = c.id AND m.id > c.last_read_id
       ) AS unread
FROM chats AS c
WHERE c.id = $1::bigint;
