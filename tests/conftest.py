import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import asyncpg
import pytest

from service.app import create_app
from service.data.sql import Queries, load_queries
from service.db.migrations import apply_migrations
from service.settings import Settings
from tests.support import postgres
from tests.support.api import Client
from tests.support.live import free_port, start_service, stop
from tests.support.paths import TEST_SQL
from tests.support.redis import RedisServer
from tests.support.sql import Statements

# Folders whose every test starts a real program beside the service (docs/testing.md).
COMPONENT_FOLDERS = {"topology", "clients"}
# Fixtures that start the service as processes of its own.
PROCESS_FIXTURES = {"live_server", "two_servers"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks by where a test lives and what it starts, so `-m "not component"` needs no list."""
    for item in items:
        folder = item.path.parent.name
        if folder in COMPONENT_FOLDERS or PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.component)


@pytest.fixture(scope="session")
def pg_server() -> str:
    return postgres.server_url()


@pytest.fixture(scope="session")
def template_database(pg_server: str) -> Iterator[str]:
    name = postgres.unique_name("chat_api_template")
    asyncio.run(postgres.create_database(pg_server, name))
    apply_migrations(postgres.database_url(pg_server, name))
    yield name
    asyncio.run(postgres.drop_database(pg_server, name))


@pytest.fixture(scope="session")
def fresh_databases(pg_server: str, template_database: str) -> Iterator[postgres.DatabaseSupply]:
    supply = postgres.DatabaseSupply(pg_server, template_database)
    yield supply
    supply.close()


@pytest.fixture
async def database_url(
    pg_server: str, fresh_databases: postgres.DatabaseSupply
) -> AsyncIterator[str]:
    """A database of this test's own, with every migration applied."""
    name = await asyncio.to_thread(fresh_databases.take)
    yield postgres.database_url(pg_server, name)
    fresh_databases.give_back(name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, db_pool_min_size=1)


@pytest.fixture
async def make_client(
    settings: Settings, aiohttp_client: Callable[..., Awaitable[Client]]
) -> Callable[..., Awaitable[Client]]:
    # settings (and so the database) come first, so they are torn down after the app.
    async def make(**overrides: Any) -> Client:
        return await aiohttp_client(create_app(settings.model_copy(update=overrides)))

    return make


@pytest.fixture
async def client(make_client: Callable[..., Awaitable[Client]]) -> Client:
    return await make_client()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection, for checking what the API stored."""
    connection = await asyncpg.connect(database_url)
    yield connection
    await connection.close()


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Popen[bytes]]]:
    """The service as its own process (chat-api serve) on a free port: base URL and process."""
    port = free_port()
    process = start_service(database_url, port, tmp_path, ACCESS_LOG="false")
    yield f"http://127.0.0.1:{port}", process
    stop(process)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis (the real server) on a free port."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_queries() -> Queries:
    """The service's own statements (sql/)."""
    return load_queries()


@pytest.fixture(scope="session")
def test_queries() -> Statements:
    """Statements the tests use to look behind the API (tests/sql/)."""
    return Statements(TEST_SQL)
