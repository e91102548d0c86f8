"""One database behind a pool: fair queueing for its connections, the statement timeout in a
form every pooler accepts, and failures turned into domain errors."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TypeVar

import asyncpg

from service.errors import DatabaseReadOnly, DatabaseUnavailable
from service.queries import Queries

logger = logging.getLogger("chat_api.database")

T = TypeVar("T")
Call = Callable[[asyncpg.Connection], Awaitable[T]]
NONE: Mapping[str, str] = {}

# Failures that mean "the database cannot serve us right now", not "this request is wrong":
# refused or dropped connections, an exhausted pool, a server shutting down, statement_timeout.
UNAVAILABLE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.TooManyConnectionsError,
    # 57xxx: query_canceled (statement_timeout), admin_shutdown, cannot_connect_now, ...
    asyncpg.OperatorInterventionError,
    # The protocol state of a connection the server dropped mid-operation (seen when
    # PostgreSQL shuts down under load): that connection cannot be trusted again.
    asyncpg.InternalClientError,
)


class Gate:
    """Runs calls on one pool. `per_transaction` (transaction-mode poolers) puts every call in
    a transaction of its own that sets the statement timeout locally: the pooler keeps one
    server connection for exactly that long, so the setting and asyncpg's unnamed prepared
    statements both reach the server that runs the query."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        queries: Queries,
        *,
        acquire_timeout: float,
        statement_timeout_ms: int,
        per_transaction: bool,
    ) -> None:
        self.pool = pool
        self._queries = queries
        self._acquire_timeout = acquire_timeout
        self._timeout_ms = str(statement_timeout_ms)
        self._per_transaction = per_transaction
        # asyncpg's pool hands a released connection to whoever asks next, so under load a
        # request can be passed over again and again (p99 in the hundreds of ms). Queueing
        # for this FIFO semaphore first serves requests in arrival order.
        self._turns = asyncio.Semaphore(pool.get_max_size())

    async def _take_turn(self) -> None:
        if not self._turns.locked():
            await self._turns.acquire()  # a free turn: taken at once, no timer needed
            return
        try:
            async with asyncio.timeout(self._acquire_timeout):
                await self._turns.acquire()
        except TimeoutError as exc:
            logger.warning("no pooled connection within %.1f s", self._acquire_timeout)
            raise DatabaseUnavailable() from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; waits at most acquire_timeout for one, and turns outages into
        DatabaseUnavailable and writes refused by a read-only server into DatabaseReadOnly."""
        await self._take_turn()
        try:
            async with self.pool.acquire() as connection:
                try:
                    yield connection
                except (asyncpg.QueryCanceledError, asyncpg.ReadOnlySQLTransactionError):
                    raise  # the server refused this statement; the connection is fine
                except UNAVAILABLE_ERRORS:
                    # The pool's reset is a no-op (see database.py), so a connection in doubt
                    # is closed here rather than handed to the next request.
                    connection.terminate()
                    raise
        except asyncpg.ReadOnlySQLTransactionError as exc:
            # 25006: a hot standby, or default_transaction_read_only; a 503, not a 500.
            logger.warning("database is read-only: %s", exc)
            raise DatabaseReadOnly() from exc
        except UNAVAILABLE_ERRORS as exc:
            logger.warning("database unavailable: %r", exc)
            raise DatabaseUnavailable() from exc
        finally:
            self._turns.release()

    async def run_on(
        self, connection: asyncpg.Connection, call: Call[T], settings: Mapping[str, str] = NONE
    ) -> T:
        """One call on a connection this gate lent; `settings` hold for that call only."""
        if not self._per_transaction and not settings:
            return await call(connection)
        local = {"statement_timeout": self._timeout_ms} if self._per_transaction else {}
        async with connection.transaction():
            for name, value in {**local, **settings}.items():
                await self._queries.set_config(connection, name, value, True)
            return await call(connection)

    async def run(self, call: Call[T], settings: Mapping[str, str] = NONE) -> T:
        async with self.connection() as connection:
            return await self.run_on(connection, call, settings)
