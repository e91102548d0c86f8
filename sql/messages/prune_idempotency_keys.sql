-- name: prune_idempotency_keys :scalar
-- Forgets Idempotency-Keys older than the given age.
-- $1 hours integer: keys older than this many hours go (the service never passes less than 24)
-- returns: how many keys were removed
WITH removed AS (
    DELETE FROM idempotency_keys
    WHERE created_at < now() - make_interval(hours => $1::integer)
    RETURNING 1
)
SELECT count(*) FROM removed;
