"""The database pools: the primary (DATABASE_URL), the read replicas (DATABASE_REPLICA_URLS)
and what each connection needs, in forms every pooler accepts."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import Protocol

import asyncpg

from service.db.databases import Databases, HealthQueries
from service.db.dsn import asyncpg_dsn, masked
from service.db.gate import Gate, SessionQueries
from service.db.replicas import Replica, ReplicaSet, ReplicationQueries
from service.settings import Settings

logger = logging.getLogger("chat_api.database")

# asyncpg's default; 0 (unnamed statements only) behind a transaction-mode pooler.
STATEMENT_CACHE_SIZE = 100


class DatabaseQueries(Protocol):
    """The statements of the database layer's own folders of sql/."""

    @property
    def session(self) -> SessionQueries: ...
    @property
    def replication(self) -> ReplicationQueries: ...
    @property
    def health(self) -> HealthQueries: ...


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Pool reset hook that does nothing: asyncpg's default reset costs a round trip on every
    release (UNLISTEN, RESET ALL, advisory unlocks, CLOSE ALL), and pooled connections never
    LISTEN, SET or take advisory locks. Transactions are always closed by their context."""


def _timeout_ms(settings: Settings) -> int:
    return int(settings.db_statement_timeout * 1000)


async def create_pool(
    settings: Settings,
    sql: SessionQueries,
    url: str | None = None,
    *,
    min_size: int | None = None,
    per_transaction: bool | None = None,
) -> asyncpg.Pool:
    """A pool on `url` (default DATABASE_URL). The statement timeout (and jit off) is set by a
    query, not as a startup parameter, which PgBouncer refuses; behind a transaction-mode pooler
    (DATABASE_POOL_MODE, unless `per_transaction` says) it is set in each transaction instead
    (see Gate)."""
    if per_transaction is None:
        per_transaction = settings.database_pool_mode == "transaction"
    timeout_ms = str(_timeout_ms(settings))

    async def set_session(connection: asyncpg.Connection) -> None:
        await sql.set_session(connection, timeout_ms)

    return await asyncpg.create_pool(
        asyncpg_dsn(url or settings.database_url),
        min_size=settings.db_pool_min_size if min_size is None else min_size,
        max_size=settings.db_pool_max_size,
        timeout=settings.db_connect_timeout,
        command_timeout=settings.db_command_timeout,
        reset=_keep_session,
        # A transaction-mode pooler hands each transaction to any server connection, where a
        # statement prepared on another one does not exist.
        statement_cache_size=0 if per_transaction else STATEMENT_CACHE_SIZE,
        init=None if per_transaction else set_session,
        # application_name is one of the few startup parameters PgBouncer passes on.
        server_settings={"application_name": settings.app_name},
    )


def make_gate(
    settings: Settings, pool: asyncpg.Pool, session: SessionQueries, url: str | None = None
) -> Gate:
    """The gate of a pool on `url` (default DATABASE_URL); met with a transaction-mode pooler
    while DATABASE_POOL_MODE says session, it opens a pool made for one (see Gate)."""

    def open_per_transaction() -> Awaitable[asyncpg.Pool]:
        return create_pool(settings, session, url, min_size=0, per_transaction=True)

    return Gate(
        pool,
        session,
        acquire_timeout=settings.db_acquire_timeout,
        statement_timeout_ms=_timeout_ms(settings),
        per_transaction=settings.database_pool_mode == "transaction",
        open_per_transaction=open_per_transaction,
    )


async def _replica_set(settings: Settings, queries: DatabaseQueries) -> ReplicaSet | None:
    if not settings.database_replica_urls:
        return None
    replicas = []
    for number, url in enumerate(settings.database_replica_urls, start=1):
        logger.info("read replica %d: %s", number, masked(url))
        # min_size 0: a replica that is down at start-up is simply not used until it answers.
        pool = await create_pool(settings, queries.session, url, min_size=0)
        gate_ = make_gate(settings, pool, queries.session, url)
        replicas.append(Replica(name=f"replica-{number}", gate=gate_))
    replica_set = ReplicaSet(
        replicas,
        queries.replication,
        max_lag=settings.database_replica_max_lag,
        probe_timeout=settings.health_db_timeout,
    )
    await replica_set.probe_all()
    return replica_set


@contextlib.asynccontextmanager
async def open_databases(settings: Settings, queries: DatabaseQueries) -> AsyncIterator[Databases]:
    """The primary's pool and the replicas' (watched while open); closed on the way out."""
    logger.info("connecting to %s", masked(settings.database_url))
    gates = [make_gate(settings, await create_pool(settings, queries.session), queries.session)]
    monitor: asyncio.Task[None] | None = None
    try:
        replicas = await _replica_set(settings, queries)
        if replicas is not None:
            gates.extend(replica.gate for replica in replicas.replicas)
            monitor = asyncio.create_task(replicas.monitor())
        yield Databases(gates[0], replicas, health=queries.health, replication=queries.replication)
    finally:
        if monitor is not None:
            monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await monitor
        for gate in gates:
            await gate.close(grace=settings.shutdown_timeout)
