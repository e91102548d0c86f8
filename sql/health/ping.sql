-- name: ping :scalar
-- Proves the database answers queries.
-- returns: 1
SELECT 1;
