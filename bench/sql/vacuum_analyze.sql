-- name: vacuum_analyze :exec
-- Vacuums and analyses the tables the benchmark writes, so that autovacuum does not start in
-- the middle of a measurement (pgbench vacuums before its own runs for the same reason).
-- returns: nothing
VACUUM (ANALYZE) chats, messages, idempotency_keys, chat_followers, chat_members, users;
