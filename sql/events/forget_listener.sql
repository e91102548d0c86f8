-- name: forget_listener :exec
-- This process's previous LISTEN connection is gone and its successor has registered the
-- same users: the rows of the old one go at once (else a user whose feed closes would stay
-- online until the old rows expire).
-- $1 listener_pid integer: the previous LISTEN connection's backend pid
-- returns: nothing
DELETE FROM user_followers
WHERE listener_pid = $1::integer;
