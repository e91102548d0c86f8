-- name: search_messages :many
-- Full-text search of messages, most relevant first (ts_rank_cd), newer first among equals;
-- keyset-paginated on (rank, id). Backed by messages_text_search_idx: the `russian`
-- configuration stems Russian and English words alike (рабочие ~ рабочий, meetings ~
-- meeting). The snippet marks each match with chr(2) before and chr(3) after (characters
-- taken out of the text first); the service escapes it for HTML and turns those into
-- <mark>...</mark>. It is computed only for the rows returned.
-- $1 query text: a tsquery built by the service from the user's words ("..." phrases become
--   <->, word* a prefix match); no user text reaches it unescaped
-- $2 chat_ids bigint[]: only these chats; NULL: every chat
-- $3 after_rank real: keyset: the rank of the previous page's last hit; NULL: first page
-- $4 after_id bigint: and that hit's id
-- $5 limit integer: page size
-- $6 viewer text: the caller's user id; NULL when authentication is off (every chat is open
--   to everyone, and is_read follows the chat's shared position)
-- $7 admin boolean: the caller has the admin scope, which sees every chat
-- $8 include_threads boolean: thread replies too (false: root messages alone)
-- Only chats the viewer may see contribute hits: public ones and the viewer's own.
-- returns: message (message_json, as text), rank, snippet
WITH search AS (
    SELECT to_tsquery('russian', $1::text) AS query
),
hits AS (
    -- The query is spelled out here, not taken from the search CTE: the planner can then
    -- estimate how few rows match it and use the text index alone. Through the CTE it could
    -- not, and ANDed the chat_id index in: 59 ms for one hit in a 1M-message chat.
    SELECT m.id, m.chat_id, m.text, m.created_at, m.author, m.edited_at, m.reply_to,
           ts_rank_cd(
               to_tsvector('russian', m.text), to_tsquery('russian', $1::text)
           )::real AS rank
    FROM messages AS m
    WHERE to_tsvector('russian', m.text) @@ to_tsquery('russian', $1::text)
      AND ($2::bigint [] IS NULL OR m.chat_id = any($2::bigint []))
      AND (m.thread_id IS NULL OR $8::boolean)
      AND (
          $6::text IS NULL
          OR $7::boolean
          OR EXISTS (
              SELECT 1 FROM chats AS open WHERE open.id = m.chat_id AND open.visibility = 'public'
          )
          OR EXISTS (
              SELECT 1 FROM chat_members AS mine
              WHERE mine.chat_id = m.chat_id AND mine.user_id = $6::text
          )
      )
),
page AS (
    SELECT h.id, h.chat_id, h.text, h.created_at, h.author, h.edited_at, h.reply_to, h.rank
    FROM hits AS h
    WHERE $3::real IS NULL OR (h.rank, h.id) < ($3::real, $4::bigint)
    ORDER BY h.rank DESC, h.id DESC
    LIMIT $5::integer
)
SELECT message_json(
           m.*, CASE WHEN $6::text IS NULL THEN c.last_read_id ELSE me.last_read_id END, $6::text
       )::text AS message,
       pg.rank,
       ts_headline(
           'russian',
           translate(pg.text, chr(2) || chr(3), ''),
           s.query,
           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=8, '
           || 'MaxFragments=2'
       ) AS snippet
FROM page AS pg
JOIN messages AS m ON pg.id = m.id
JOIN chats AS c ON pg.chat_id = c.id
LEFT JOIN chat_members AS me ON c.id = me.chat_id AND me.user_id = $6::text
CROSS JOIN search AS s
ORDER BY pg.rank DESC, pg.id DESC;
