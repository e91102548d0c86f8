"""The asyncpg pool as an app resource, and the connection-string forms each driver wants."""

import asyncio
import logging
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web
from yarl import URL

from service.appkeys import QUERIES, SETTINGS, STORE
from service.settings import Settings
from service.store import Store

logger = logging.getLogger("chat_api.database")

_SCHEMES = ("postgresql", "postgres")


def _url(database_url: str) -> URL:
    url = URL(database_url)
    # Accept "postgresql+psycopg://" and friends too: the driver suffix is ours to choose.
    if url.scheme.split("+", 1)[0] not in _SCHEMES:
        raise ValueError("DATABASE_URL must start with postgresql://")
    return url


def asyncpg_dsn(database_url: str) -> str:
    return str(_url(database_url).with_scheme("postgresql"))


def yoyo_url(database_url: str) -> str:
    """yoyo needs a synchronous driver; psycopg 3 is the one installed."""
    return str(_url(database_url).with_scheme("postgresql+psycopg"))


def masked(database_url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    url = URL(database_url)
    return str(url.with_password("***")) if url.password else str(url)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Pool reset hook that does nothing: asyncpg's default reset costs a round trip on every
    release (UNLISTEN, RESET ALL, advisory unlocks, CLOSE ALL), and pooled connections never
    LISTEN, SET or take advisory locks. Transactions are always closed by their context."""


async def create_pool(settings: Settings) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        asyncpg_dsn(settings.database_url),
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        timeout=settings.db_connect_timeout,
        command_timeout=settings.db_command_timeout,
        reset=_keep_session,
        # The server cancels runaway statements itself; command_timeout is the client's backstop.
        server_settings={
            "application_name": settings.app_name,
            "statement_timeout": str(int(settings.db_statement_timeout * 1000)),
        },
    )


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: open the pool, prove it answers, close it on shutdown."""
    settings = app[SETTINGS]
    logger.info("connecting to %s", masked(settings.database_url))
    pool = await create_pool(settings)
    try:
        store = Store(pool, app[QUERIES], acquire_timeout=settings.db_acquire_timeout)
        await store.ping()
        app[STORE] = store
        yield
    finally:
        try:
            await asyncio.wait_for(pool.close(), timeout=settings.shutdown_timeout)
        except TimeoutError:
            pool.terminate()
