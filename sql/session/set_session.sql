-- name: set_session :exec
-- A new session's settings, in one statement (a new connection's set-up is one round trip):
-- the statement timeout, and JIT off. JIT compiles a plan whose estimated cost passes
-- jit_above_cost: a generic plan of a page (its rows unknown until run) can, which cost 300 ms
-- of compiling for a 1 ms statement, and none of the service's short statements gains from
-- it. Set by a query, not as startup parameters, which PgBouncer 1.18 refuses.
-- $1 statement_timeout text: milliseconds, e.g. '5000'
-- returns: nothing
SELECT set_config('statement_timeout', $1::text, false) AS statement_timeout,
       set_config('jit', 'off', false) AS jit;
