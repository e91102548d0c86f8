import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from service.app import create_app
from service.appkeys import QUERIES
from service.migrations import apply_migrations
from service.queries import Queries, load_queries
from service.resources import sql_dir
from service.settings import Settings
from tests import postgres
from tests.live import free_port, start_service, stop

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Awaitable[Client]]


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


@pytest.fixture
async def database_url(pg_server: str, template_database: str) -> AsyncIterator[str]:
    name = postgres.unique_name("chat_api_test")
    await postgres.create_database(pg_server, name, template=template_database)
    yield postgres.database_url(pg_server, name)
    await postgres.drop_database(pg_server, name)


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


@pytest.fixture(scope="session")
def app_queries() -> Queries:
    """The service's own statements (sql/)."""
    return load_queries(sql_dir())


@pytest.fixture(scope="session")
def test_queries() -> Queries:
    """Statements the tests use to look behind the API (tests/sql/)."""
    return load_queries(Path(__file__).parent / "sql")


async def create_chat(client: Client, title: str = "chat") -> dict[str, Any]:
    response = await client.post("/chats", json={"title": title})
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def post_message(client: Client, chat_id: int, text: str = "hi") -> dict[str, Any]:
    response = await client.post(f"/chats/{chat_id}/messages", json={"text": text})
    assert response.status == 201, await response.text()
    return dict(await response.json())


def slow_health_check(client: Client, monkeypatch: pytest.MonkeyPatch, queries: Queries) -> None:
    """Makes the query behind /health/db take a second, to run into statement_timeout."""
    app_queries = client.app[QUERIES]
    monkeypatch.setattr(
        app_queries,
        "_queries",
        {**dict(app_queries.items()), "database_state": queries.slow_database_state},
    )
