-- Case-insensitive substring search on chat titles, index-backed by trigrams.
-- pg_trgm ships with every standard PostgreSQL (contrib) and is a trusted extension since
-- PostgreSQL 13, so the database owner may create it. A build without it (the pgserver wheel
-- used for local development) still searches correctly, by scanning.
-- It lives in its own schema so the public schema holds only this project's objects.
-- The index is built inside a DO block, so not CONCURRENTLY (which a block cannot run): 0002
-- runs right after 0001 on a chats table that is still empty, where the build takes no time.
-- (squawk cannot see inside DO; this is the one index built this way.)
-- depends: 0001_initial_schema

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE SCHEMA IF NOT EXISTS extensions;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;
        -- Serves lower(title) LIKE '%...%'; lower() folds case by the database's LC_CTYPE,
        -- so non-ASCII titles need a UTF-8 locale (C.UTF-8, en_US.UTF-8, ...).
        CREATE INDEX chats_title_trgm_idx
            ON chats USING gin (lower(title) extensions.gin_trgm_ops);
    END IF;
END
$$;
