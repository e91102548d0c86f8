-- name: database_state :one
-- Whether this server takes writes: a hot standby, or a database or role with
-- default_transaction_read_only on, answers read_only true.
-- returns: read_only boolean
SELECT current_setting('transaction_read_only') = 'on' AS read_only;
