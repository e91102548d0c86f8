"""A transaction-mode pooler behind a pool set up for sessions: DATABASE_URL leads to PgBouncer
(or another pooler) with pool_mode = transaction, but DATABASE_POOL_MODE was left at
`session`. Each transaction may then run on another server connection, where the statements
asyncpg prepared on the first one do not exist; the errors that causes are unmistakable."""

import asyncpg

# 26000 prepared statement "__asyncpg_stmt_N__" does not exist; 42P05 ... already exists.
MISMATCH_ERRORS = (asyncpg.InvalidSQLStatementNameError, asyncpg.DuplicatePreparedStatementError)

MISMATCH = (
    "the database URL leads to a transaction-mode pooler (such as PgBouncer with pool_mode = "
    "transaction): prepared statements fail there; set DATABASE_POOL_MODE=transaction (and "
    "DATABASE_LISTEN_URL straight to PostgreSQL, for the live feeds)"
)


def is_mismatch(exc: BaseException | None) -> bool:
    return isinstance(exc, MISMATCH_ERRORS)
