"""Property-based testing of the whole API from its own /openapi.json with schemathesis:
every operation gets generated valid and invalid inputs (positive and negative modes, every
check); no answer may be a 5xx, and every answer must match the documented status codes,
headers and schemas.

It drives the schemathesis CLI against a real `chat-api serve` process: the CLI is
schemathesis' primary interface, and its pytest plugin does not support pytest 9 yet.
"""

import asyncio
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.db.migrations import apply_migrations
from tests.support import postgres
from tests.support.live import BIN, free_port, start_service, stop

EXAMPLES_PER_OPERATION = "40"
SEED = "20261127"  # reproducible in CI; change it locally to explore other inputs


@pytest.fixture
def live_url(pg_server: str, tmp_path: Path) -> Iterator[str]:
    name = postgres.unique_name("chat_api_schemathesis")
    asyncio.run(postgres.create_database(pg_server, name))
    database_url = postgres.database_url(pg_server, name)
    apply_migrations(database_url)
    port = free_port()
    process = start_service(database_url, port, tmp_path, ACCESS_LOG="false")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        asyncio.run(postgres.drop_database(pg_server, name))


def test_every_operation_conforms_to_the_document(live_url: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            BIN / "schemathesis",
            "--config-file",
            Path(__file__).parent / "schemathesis.toml",
            "run",
            f"{live_url}/openapi.json",
            "--mode",
            "all",
            "--max-examples",
            EXAMPLES_PER_OPERATION,
            "--seed",
            SEED,
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    with urllib.request.urlopen(f"{live_url}/openapi.json") as answer:
        document = json.load(answer)
    operations = sum(len(methods) for methods in document["paths"].values())
    # Every operation but the two event streams (which are still in the document).
    assert f"Selected: {operations - 2}/{operations}" in result.stdout, report
    assert f"Tested: {operations - 2}" in result.stdout, report
