"""The database pools as an app resource: the primary (DATABASE_URL), the read replicas
(DATABASE_REPLICA_URLS) and what each connection needs, in forms every pooler accepts."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web

from service.apikeys import ApiKeys
from service.appkeys import CHANGES, QUERIES, SETTINGS, STORE
from service.auth import AUTHENTICATOR
from service.changes import Changes
from service.databases import Databases
from service.dsn import asyncpg_dsn, masked
from service.gate import Gate
from service.queries import Queries
from service.replicas import Replica, ReplicaSet
from service.settings import Settings
from service.store import Store

logger = logging.getLogger("chat_api.database")

# asyncpg's default; 0 (unnamed statements only) behind a transaction-mode pooler.
STATEMENT_CACHE_SIZE = 100


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Pool reset hook that does nothing: asyncpg's default reset costs a round trip on every
    release (UNLISTEN, RESET ALL, advisory unlocks, CLOSE ALL), and pooled connections never
    LISTEN, SET or take advisory locks. Transactions are always closed by their context."""


def _timeout_ms(settings: Settings) -> int:
    return int(settings.db_statement_timeout * 1000)


async def create_pool(
    settings: Settings, queries: Queries, url: str | None = None, *, min_size: int | None = None
) -> asyncpg.Pool:
    """A pool on `url` (default DATABASE_URL). The statement timeout is set by a query, not as
    a startup parameter, which PgBouncer refuses; behind a transaction-mode pooler it is set
    in each transaction instead (see Gate)."""
    per_transaction = settings.database_pool_mode == "transaction"
    timeout_ms = str(_timeout_ms(settings))

    async def set_session_timeout(connection: asyncpg.Connection) -> None:
        await queries.set_config(connection, "statement_timeout", timeout_ms, False)

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
        init=None if per_transaction else set_session_timeout,
        # application_name is one of the few startup parameters PgBouncer passes on.
        server_settings={"application_name": settings.app_name},
    )


def gate(settings: Settings, pool: asyncpg.Pool, queries: Queries) -> Gate:
    return Gate(
        pool,
        queries,
        acquire_timeout=settings.db_acquire_timeout,
        statement_timeout_ms=_timeout_ms(settings),
        per_transaction=settings.database_pool_mode == "transaction",
    )


async def _replica_set(settings: Settings, queries: Queries) -> ReplicaSet | None:
    if not settings.database_replica_urls:
        return None
    replicas = []
    for number, url in enumerate(settings.database_replica_urls, start=1):
        logger.info("read replica %d: %s", number, masked(url))
        # min_size 0: a replica that is down at start-up is simply not used until it answers.
        pool = await create_pool(settings, queries, url, min_size=0)
        replicas.append(Replica(name=f"replica-{number}", gate=gate(settings, pool, queries)))
    replica_set = ReplicaSet(
        replicas,
        queries,
        max_lag=settings.database_replica_max_lag,
        probe_timeout=settings.health_db_timeout,
    )
    await replica_set.probe_all()
    return replica_set


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: open the pools, prove the primary answers, close them on shutdown."""
    settings, queries = app[SETTINGS], app[QUERIES]
    logger.info("connecting to %s", masked(settings.database_url))
    pools = [await create_pool(settings, queries)]
    monitor: asyncio.Task[None] | None = None
    try:
        replicas = await _replica_set(settings, queries)
        if replicas is not None:
            pools.extend(replica.gate.pool for replica in replicas.replicas)
            monitor = asyncio.create_task(replicas.monitor())
        databases = Databases(gate(settings, pools[0], queries), queries, replicas)
        store = Store(databases, queries, delete_timeout=settings.db_delete_timeout)
        await store.ping()
        app[STORE] = store
        app[CHANGES] = Changes(databases, queries)
        if settings.auth_mode == "api_key":
            app[AUTHENTICATOR] = ApiKeys(databases, queries)
        yield
    finally:
        if monitor is not None:
            monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await monitor
        for pool in pools:
            try:
                await asyncio.wait_for(pool.close(), timeout=settings.shutdown_timeout)
            except TimeoutError:
                pool.terminate()
