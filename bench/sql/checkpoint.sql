-- name: checkpoint :exec
-- Writes out what the vacuum dirtied, so that a checkpoint does not land mid-measurement.
-- returns: nothing
CHECKPOINT;
