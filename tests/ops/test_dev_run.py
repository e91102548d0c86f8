"""`make run` without DATABASE_URL: the private PostgreSQL it starts stops with the server, on
Ctrl+C (SIGINT to the terminal's process group) and on SIGTERM, and keeps its data."""

import importlib.util
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from service.db.localdb import local_server_pid, start_detached_server, stop_local_server
from tests.support.live import BIN, free_port
from tests.support.paths import ROOT

# Runs `make run` with private PostgreSQL servers.
pytestmark = [
    pytest.mark.component,
    pytest.mark.skipif(
        importlib.util.find_spec("pgserver") is None,
        reason="the private server needs the pgserver wheel (Python 3.11/3.12; CI has it)",
    ),
]


def _postgres_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(data_dir) in cmdline:
            found.append(process)
    return found


def _request(port: int, method: str, path: str, body: object = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def _make_run(data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`make run` as a terminal runs it: its own process group, no DATABASE_URL."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-C", str(ROOT), "run", f"LOCAL_DB_DIR={data_dir}"],
            env={**env, "PORT": str(port), "ACCESS_LOG": "false"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            _request(port, "GET", "/health")
            return process, port
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"make run did not serve:\n{log.read_text()}")


def _stop_group(process: subprocess.Popen[bytes], signum: int, data_dir: Path) -> None:
    os.killpg(process.pid, signum)
    process.wait(timeout=30)
    # make may exit before the server has finished stopping PostgreSQL: wait for that too.
    deadline = time.monotonic() + 30
    while _postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)


def _assert_first_run_says_little(output: str, port: int) -> None:
    lines = output.splitlines()
    migrations = sorted(
        path.stem for path in (ROOT / "migrations").glob("*.sql") if ".rollback" not in path.name
    )
    for migration in migrations:
        assert sum(f"applied {migration} (" in line for line in lines) == 1, output
    assert any(f"applied {len(migrations)} migration(s)" in line for line in lines), output
    assert "applying step" not in output, "yoyo's own steps show only with LOG_LEVEL=DEBUG"
    base = f"http://127.0.0.1:{port}"
    assert any(base in line and f"{base}/docs" in line for line in lines), output
    assert "stopped the private PostgreSQL" in output
    assert "Traceback" not in output
    # One line per migration, and besides them only a handful: the private server started,
    # the summary, the pool, where it serves, the server stopped.
    assert len(lines) - len(migrations) <= 6, output


@pytest.mark.parametrize("first_signal", [signal.SIGINT, signal.SIGTERM])
def test_make_run_stops_the_private_postgres_it_started_and_keeps_the_data(
    tmp_path: Path, first_signal: signal.Signals
) -> None:
    data_dir = tmp_path / "postgres"
    log = tmp_path / "make-run.log"

    process, port = _make_run(data_dir, log)
    assert _postgres_processes(data_dir), "make run serves from a private PostgreSQL"
    chat = _request(port, "POST", "/chats", {"title": "kept across runs"})
    _stop_group(process, first_signal, data_dir)

    assert _postgres_processes(data_dir) == [], log.read_text()
    assert local_server_pid(data_dir) is None
    _assert_first_run_says_little(log.read_text(), port)

    process, port = _make_run(data_dir, log)
    assert _request(port, "GET", "/chats") == [chat]
    _stop_group(
        process, signal.SIGTERM if first_signal == signal.SIGINT else signal.SIGINT, data_dir
    )
    assert _postgres_processes(data_dir) == [], log.read_text()


def test_make_run_reuses_a_running_private_postgres_and_leaves_it_running(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "postgres"
    start_detached_server(data_dir)
    try:
        pid = local_server_pid(data_dir)
        assert pid is not None
        process, _ = _make_run(data_dir, tmp_path / "make-run.log")
        _stop_group(process, signal.SIGINT, data_dir)
        assert local_server_pid(data_dir) == pid, "another terminal's server is left alone"
        assert "already running" in (tmp_path / "make-run.log").read_text()

        result = subprocess.run(
            [BIN / "chat-api", "local-db", "--stop", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "stopped" in result.stdout
        assert local_server_pid(data_dir) is None
        assert _postgres_processes(data_dir) == []
    finally:
        stop_local_server(data_dir)
