"""Safe defaults, and no internals (tracebacks, SQL, connection strings) in any response."""

import asyncio
import re
from collections.abc import Awaitable, Callable

import pytest

from service.data.chats import Chats
from service.domain.errors import DatabaseUnavailable
from service.settings import Settings
from tests.support.api import Client
from tests.support.paths import ROOT


def test_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ["DEBUG", "CORS_ORIGINS", "BODY_LIMIT", "HOST"]:
        monkeypatch.delenv(variable, raising=False)
    settings = Settings(_env_file=None, database_url="postgresql://u@h/d")
    assert settings.debug is False
    assert settings.cors_origins == []
    assert settings.body_limit == 1024 * 1024
    assert settings.host == "127.0.0.1", "listens on loopback unless told otherwise"
    assert settings.db_statement_timeout > 0
    assert settings.db_acquire_timeout > 0


@pytest.mark.parametrize(
    "failure",
    [
        RuntimeError("SELECT secret FROM internals WHERE dsn = 'postgresql://app:pw@db/prod'"),
        KeyError("postgresql://app:pw@db/prod"),
        DatabaseUnavailable(),
    ],
)
async def test_no_internals_in_error_responses(
    client: Client, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    async def fail(self: Chats, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(Chats, "get_chat_with_messages", fail)
    response = await client.get("/chats/1")
    assert response.status in {500, 503}
    body = await response.text()
    for leak in ["Traceback", "SELECT", "postgresql://", 'File "', "pw@"]:
        assert leak not in body


async def test_responses_do_not_advertise_more_than_needed(client: Client) -> None:
    response = await client.get("/chats")
    assert "Access-Control-Allow-Origin" not in response.headers


# PL/pgSQL's dynamic EXECUTE, format() and quote_*(); a trigger's EXECUTE FUNCTION is static.
DYNAMIC_SQL = re.compile(
    r"\bEXECUTE\b(?!\s+(FUNCTION|PROCEDURE)\b)|\bformat\s*\(|\bquote_(ident|literal|nullable)\b",
    re.IGNORECASE,
)


def test_dynamic_sql_detector_can_fail() -> None:
    assert DYNAMIC_SQL.search("EXECUTE 'DELETE FROM ' || t;")
    assert DYNAMIC_SQL.search("EXECUTE format('SELECT %I', name);")
    assert not DYNAMIC_SQL.search("FOR EACH STATEMENT EXECUTE FUNCTION f();")


def test_no_dynamic_sql_in_sql_files_or_migrations() -> None:
    files = [*ROOT.glob("sql/**/*.sql"), *ROOT.glob("migrations/*.sql")]
    assert files
    offenders = [str(path) for path in files if DYNAMIC_SQL.search(path.read_text())]
    assert offenders == []


async def test_debug_switches_on_asyncio_debug_and_nothing_visible(
    make_client: Callable[..., Awaitable[Client]], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client(debug=True)
    assert asyncio.get_running_loop().get_debug()

    async def fail(self: Chats, **kwargs: object) -> None:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(Chats, "list_chats", fail)
    response = await client.get("/chats")
    assert response.status == 500
    assert "internal detail" not in await response.text()
