-- name: set_statement_timeout :exec
-- Sets statement_timeout for this session, or for the current transaction only. Set this way
-- rather than as a startup parameter, which PgBouncer 1.18 refuses ("unsupported startup
-- parameter"); behind a transaction-mode pooler it is set per transaction (is_local true),
-- since a session setting would stay on whichever server connection the pooler picked.
-- $1 milliseconds text: e.g. '5000'
-- $2 is_local boolean: true for the current transaction only
-- returns: nothing
SELECT set_config('statement_timeout', $1::text, $2::boolean);
