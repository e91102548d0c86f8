"""Log formats, the rotating file, request ids on every line, and no secrets in logs."""

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from service.data.chats import Chats
from service.ops.cli import main
from service.settings import Settings
from service.telemetry.logs import configure_logging, log_execution_time
from tests.support.api import Client

MakeClient = Callable[..., Awaitable[Client]]
TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - [\w.]+ - "
    r"(DEBUG|INFO|WARNING|ERROR|CRITICAL) - \w+:\d+ - .+$"
)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def log_file(tmp_path: Path, restore_logging: None) -> Path:
    return tmp_path / "logs" / "app.log"


def configure(settings: Settings, log_file: Path, **overrides: Any) -> None:
    configure_logging(settings.model_copy(update={"log_file": str(log_file), **overrides}))


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_json_lines_have_the_documented_fields(
    make_client: MakeClient, settings: Settings, log_file: Path
) -> None:
    configure(settings, log_file, log_format="json")
    logging.getLogger("chat_api.test").info("hello %s", "world", extra={"answer": 42})
    client = await make_client()
    await client.get("/health", headers={"X-Request-ID": "req-json-1"})

    lines = json_lines(log_file)
    hello = next(line for line in lines if line["message"] == "hello world")
    assert {"timestamp", "level", "logger", "message", "module", "function", "line"} <= set(hello)
    assert (hello["level"], hello["logger"], hello["answer"]) == ("INFO", "chat_api.test", 42)
    assert hello["function"] == "test_json_lines_have_the_documented_fields"
    assert hello["request_id"] is None

    access = next(line for line in lines if line["logger"] == "chat_api.access")
    assert access["request_id"] == "req-json-1"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/health", 200)
    assert access["duration_ms"] >= 0


async def test_text_format_and_request_id_on_lines_written_for_a_request(
    make_client: MakeClient, settings: Settings, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(settings, log_file)
    logging.getLogger("chat_api").info("Application started")
    client = await make_client()

    async def explode(self: Chats, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Chats, "list_chats", explode)
    await client.get("/chats", headers={"X-Request-ID": "req-text-7"})

    lines = log_file.read_text().splitlines()
    assert TEXT_LINE.match(lines[0])
    assert lines[0].endswith(" - Application started")
    written_for_request = [line for line in lines if "req-text-7" in line]
    assert any("unhandled error on GET /chats" in line for line in written_for_request)
    assert any(
        "chat_api.access" in line and "GET /chats 500" in line for line in written_for_request
    )


async def test_access_log_can_be_switched_off(
    make_client: MakeClient, settings: Settings, log_file: Path
) -> None:
    configure(settings, log_file, log_format="json")
    client = await make_client(access_log=False)
    await client.get("/health")
    assert not [line for line in json_lines(log_file) if line["logger"] == "chat_api.access"]


async def test_debug_level_logs_query_names_and_durations(
    make_client: MakeClient, settings: Settings, log_file: Path
) -> None:
    configure(settings, log_file, log_format="json", log_level="DEBUG")
    client = await make_client()
    await client.post("/chats", json={"title": "t"}, headers={"X-Request-ID": "req-debug"})
    [query] = [line for line in json_lines(log_file) if line.get("query") == "create_chat"]
    assert query["duration_ms"] >= 0
    assert query["request_id"] == "req-debug"


async def test_control_characters_in_request_id_never_reach_the_log(
    make_client: MakeClient, settings: Settings, log_file: Path
) -> None:
    configure(settings, log_file)
    client = await make_client()
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: evil\x1b[31mFAKE\r\n"
        b"Connection: close\r\n\r\n"
    )
    response = await reader.read()
    writer.close()
    # aiohttp's parser refuses control characters in header values before any handler runs,
    # and logs the offending bytes escaped.
    assert response.split(b" ", 2)[1] == b"400"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", log_file.read_text())


def test_rotating_file(settings: Settings, log_file: Path) -> None:
    configure(settings, log_file, log_file_max_bytes=300, log_file_backup_count=2)
    logger = logging.getLogger("chat_api.rotation")
    for n in range(60):
        logger.info("line %d with some padding to fill the file", n)
    names = sorted(path.name for path in log_file.parent.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2"]
    assert all(path.stat().st_size <= 300 for path in log_file.parent.iterdir())
    assert "line 59" in log_file.read_text()


def test_database_password_never_logged(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    restore_logging: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:hunter2-secret@127.0.0.1:1/chat")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "1")
    assert main(["check-db"]) == 1
    assert main(["migrate"]) == 1
    captured = capsys.readouterr()
    assert "127.0.0.1:1" in captured.err
    assert "hunter2-secret" not in captured.err + captured.out


async def test_log_execution_time_for_sync_and_async(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("chat_api.timing")

    @log_execution_time(logger)
    def add(a: int, b: int) -> int:
        return a + b

    @log_execution_time(logger, level=logging.WARNING)
    async def slow_double(value: int) -> int:
        await asyncio.sleep(0.01)
        return value * 2

    with caplog.at_level(logging.INFO, logger="chat_api.timing"):
        assert add(2, 3) == 5
        assert await slow_double(4) == 8
    sync_record, async_record = caplog.records
    assert re.fullmatch(r".*add took \d+\.\d\d ms", sync_record.getMessage())
    assert async_record.levelno == logging.WARNING
    assert async_record.duration_ms >= 10  # type: ignore[attr-defined]
