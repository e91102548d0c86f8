"""One database behind a pool: fair queueing for its connections, the statement timeout in a
form every pooler accepts, and failures turned into domain errors."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import asyncpg

from service.db import pool_mode
from service.db.queries import Query, QueryFolder
from service.db.turns import NoTurn, Turns
from service.domain.errors import DatabaseReadOnly, DatabaseUnavailable

logger = logging.getLogger("chat_api.database")

T = TypeVar("T")
Call = Callable[[asyncpg.Connection], Awaitable[T]]
OpenPool = Callable[[], Awaitable[asyncpg.Pool]]
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
# statement_timeout: the server cancelled one statement, and the connection is fine.
_STATEMENT_CANCELLED = asyncpg.QueryCanceledError
# A server that refuses writes may be a primary demoted by a failover: a new connection goes
# wherever DATABASE_URL leads now (a multi-host URL's target_session_attrs=read-write).
_LEADS_ELSEWHERE = asyncpg.ReadOnlySQLTransactionError


class SessionQueries(QueryFolder, folder="session"):
    set_config: Query
    set_session: Query


class _Lease:
    """`async with gate.connection() as connection`: a turn, then a pooled connection. A class
    rather than an @asynccontextmanager generator: this runs twice per request."""

    __slots__ = ("_connection", "_gate", "_pool")

    def __init__(self, gate: "Gate") -> None:
        self._gate = gate
        self._connection: asyncpg.Connection | None = None
        # The pool the connection came from, to give it back to even after a switch.
        self._pool: asyncpg.Pool = gate.pool

    async def __aenter__(self) -> asyncpg.Connection:
        gate = self._gate
        try:
            if not gate.turns.try_take():
                await gate.turns.take()
        except NoTurn as exc:
            logger.warning("no pooled connection within %.1f s", gate.acquire_timeout)
            raise DatabaseUnavailable() from exc
        self._pool = gate.pool
        try:
            self._connection = await self._pool.acquire()
        except BaseException as exc:
            gate.turns.release()
            _raise_as_domain_error(exc)
            raise
        return self._connection

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _: object
    ) -> None:
        gate, connection = self._gate, self._connection
        # Set by __aenter__, which always runs first.
        assert connection is not None  # nosec B101
        try:
            # Any failure but a cancelled statement leaves the connection in doubt, and the
            # pool's reset is a no-op (see db/pools.py), so it is closed rather than handed to
            # the next request.
            if pool_mode.is_mismatch(exc):
                gate.pool_mode_mismatch()
            if isinstance(exc, (_LEADS_ELSEWHERE, *pool_mode.MISMATCH_ERRORS)) or (
                isinstance(exc, UNAVAILABLE_ERRORS) and not isinstance(exc, _STATEMENT_CANCELLED)
            ):
                connection.terminate()
            await self._pool.release(connection)
        except UNAVAILABLE_ERRORS as release_error:
            exc = exc or release_error
        finally:
            gate.turns.release()
        if exc is not None:
            _raise_as_domain_error(exc)


def _raise_as_domain_error(exc: BaseException) -> None:
    """Outages become DatabaseUnavailable and writes refused by a read-only server become
    DatabaseReadOnly (a 503, not a 500); anything else is left to propagate."""
    if isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        # 25006: a hot standby, or default_transaction_read_only.
        logger.warning("database is read-only: %s", exc)
        raise DatabaseReadOnly() from exc
    if isinstance(exc, UNAVAILABLE_ERRORS):
        logger.warning("database unavailable: %r", exc)
        raise DatabaseUnavailable() from exc
    if pool_mode.is_mismatch(exc):
        raise DatabaseUnavailable() from exc  # Gate.pool_mode_mismatch has said why


class Gate:
    """Runs calls on one pool, one turn per connection (see Turns). `per_transaction`
    (transaction-mode poolers) puts every call in a transaction of its own that sets the
    statement timeout locally: the pooler keeps one server connection for exactly that long,
    so the setting and asyncpg's unnamed prepared statements both reach the server that runs
    the query."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        session: SessionQueries,
        *,
        acquire_timeout: float,
        statement_timeout_ms: int,
        per_transaction: bool,
        open_per_transaction: OpenPool | None = None,
    ) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout
        self.turns = Turns(pool.get_max_size(), acquire_timeout)
        self._session = session
        self._timeout_ms = str(statement_timeout_ms)
        self._per_transaction = per_transaction
        self._open_per_transaction = open_per_transaction
        # Set once a transaction-mode pooler was met with per_transaction off (/health/db
        # shows it); the switch to per_transaction runs as this task.
        self.warning: str | None = None
        self._switch: asyncio.Task[None] | None = None

    def pool_mode_mismatch(self) -> None:
        """Statements prepared on one server connection ran on another: says so once, loudly,
        and moves this gate to a pool made for a transaction-mode pooler."""
        if self.warning is not None or self._per_transaction:
            return
        self.warning = pool_mode.MISMATCH
        if self._open_per_transaction is None:
            logger.error("%s", pool_mode.MISMATCH)
            return
        logger.error("%s; this process switches to it now", pool_mode.MISMATCH)
        self._switch = asyncio.get_running_loop().create_task(
            self._switch_to_per_transaction(self._open_per_transaction)
        )

    async def _switch_to_per_transaction(self, open_pool: OpenPool) -> None:
        try:
            pool = await open_pool()
        except (asyncpg.PostgresError, *UNAVAILABLE_ERRORS) as exc:
            logger.error("could not open a pool for the transaction-mode pooler: %r", exc)
            self.warning = None  # the next failure tries again
            return
        # New turns get the new pool; a lease of the old one gives its connection back there,
        # and closing it waits for that.
        old, self.pool, self._per_transaction = self.pool, pool, True
        logger.warning("now running as DATABASE_POOL_MODE=transaction (until restarted)")
        await old.close()

    async def close(self, *, grace: float) -> None:
        """Waits `grace` seconds for the connections lent out to come back, then drops them."""
        if self._switch is not None:
            self._switch.cancel()
            await asyncio.gather(self._switch, return_exceptions=True)
        try:
            await asyncio.wait_for(self.pool.close(), timeout=grace)
        except TimeoutError:
            self.pool.terminate()

    def connection(self) -> _Lease:
        """A pooled connection; waits at most acquire_timeout for one, and turns outages into
        DatabaseUnavailable and writes refused by a read-only server into DatabaseReadOnly."""
        return _Lease(self)

    def run_on(
        self, connection: asyncpg.Connection, call: Call[T], settings: Mapping[str, str] = NONE
    ) -> Awaitable[T]:
        """One call on a connection this gate lent; `settings` hold for that call only. (A
        plain function: the common case hands back the call's own awaitable, one coroutine
        fewer on every request.)"""
        if not self._per_transaction and not settings:
            return call(connection)
        return self._in_transaction(connection, call, settings)

    async def _in_transaction(
        self, connection: asyncpg.Connection, call: Call[T], settings: Mapping[str, str]
    ) -> T:
        local = {"statement_timeout": self._timeout_ms} if self._per_transaction else {}
        async with connection.transaction():
            for name, value in {**local, **settings}.items():
                await self._session.set_config(connection, name, value, True)
            return await call(connection)

    async def run(self, call: Call[T], settings: Mapping[str, str] = NONE) -> T:
        async with _Lease(self) as connection:
            return await self.run_on(connection, call, settings)
