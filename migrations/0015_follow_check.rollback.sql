-- Drops 0015's function; the statements of the previous release do not call it.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP FUNCTION IF EXISTS chat_is_followed(bigint);
