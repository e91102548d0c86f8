"""Running the real `chat-api serve` process for tests that need one."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.api import bearer

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def start_service(
    database_url: str, port: int, cwd: Path, *args: str, **env: str
) -> subprocess.Popen[bytes]:
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one would block
    # the server on its next log line.
    log = cwd / f"chat-api-{port}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [BIN / "chat-api", "serve", *args],
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "HOST": "127.0.0.1",
                "PORT": str(port),
                **env,
            },
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=log_file,  # the child keeps its own copy of the descriptor
        )
    wait_until_serving(port, process, log)
    return process


@contextlib.contextmanager
def two_services(database_url: str, cwd: Path, **env: str) -> Iterator[tuple[str, str]]:
    """Two `chat-api serve` processes on one database: their base URLs."""
    ports = [free_port(), free_port()]
    processes = [start_service(database_url, port, cwd, **env) for port in ports]
    try:
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    finally:
        for process in processes:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def run_keys(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs `chat-api keys ARGS` against the database."""
    return subprocess.run(
        [BIN / "chat-api", "keys", *args],
        env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def member_headers(database_url: str, user: str) -> dict[str, str]:
    """Authorization for a new read,write API key of `user` (`chat-api keys create`)."""
    created = run_keys(database_url, "create", "--name", user, "--scopes", "read,write")
    assert created.returncode == 0, created.stderr
    return bearer(created.stdout.split()[-1])
