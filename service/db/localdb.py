"""A private PostgreSQL for development (`make run`, `make test`) on machines without one.

It uses the `pgserver` wheel (part of the `dev` extra), which carries PostgreSQL's binaries and,
when run as root, starts the server as an unprivileged `pgserver` user. The server listens on a
Unix socket inside its data directory only and keeps its data between runs. `chat-api dev`
stops a server it started when it stops; `chat-api local-db --stop` stops one by hand.
"""

import logging
import os

# Runs pg_ctl and this interpreter with fixed argument lists, never a shell.
import subprocess  # nosec B404
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict


class _ConfiguredDatabase(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = None


class LocalDatabaseError(Exception):
    """No private server can be started here; the message says what to do instead."""


def start_local_server(data_dir: Path, *, keep_running: bool = True) -> str:
    """Starts a server in `data_dir` (or reuses the one running there); returns its URL."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        pgserver = _pgserver()
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with _utf8_locale():
            server = pgserver.get_server(data_dir, cleanup_mode=None if keep_running else "delete")
        return str(server.get_uri())


def _pgserver() -> Any:
    try:
        import pgserver
    except ImportError:
        raise LocalDatabaseError(
            "the pgserver package is not installed (it ships wheels for Python 3.11 and "
            "3.12 only): install the dev extra, or set DATABASE_URL to a PostgreSQL server"
        ) from None
    # Its INFO lines narrate every pg_ctl call, also from an atexit hook after logging closed.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver


@contextmanager
def _utf8_locale() -> Iterator[None]:
    """initdb takes its LC_CTYPE from the environment; under plain C, lower() would not fold
    non-ASCII letters (title search). Containers and CI often run without a locale set."""
    current = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    if sys.platform != "linux" or "UTF-8" in current.upper():
        yield
        return
    previous = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = "C.UTF-8"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["LC_ALL"]
        else:
            os.environ["LC_ALL"] = previous


def configured_database_url() -> str | None:
    """DATABASE_URL from the environment or .env, if set."""
    return _ConfiguredDatabase().database_url


def database_url_for_development(data_dir: Path) -> str:
    """DATABASE_URL when it is set (environment or .env), else a private server's URL."""
    return configured_database_url() or start_local_server(data_dir)


def local_server_pid(data_dir: Path) -> int | None:
    """The postmaster's pid when a server is running in `data_dir`, else None."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def start_detached_server(data_dir: Path) -> str:
    """Starts (or reuses) the server in a session of its own, so the signals a terminal sends
    to a foreground command (Ctrl+C) reach the command, which then stops the server cleanly."""
    # A fixed argument list (no shell): this interpreter and the data directory.
    result = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-m", "service", "local-db", "--data-dir", str(data_dir)],
        start_new_session=True,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise LocalDatabaseError(result.stderr.strip() or "the private PostgreSQL did not start")
    return result.stdout.strip().splitlines()[-1]


def pg_ctl(data_dir: Path, *args: str) -> None:
    """Runs pgserver's pg_ctl on the server in `data_dir`, as the user that owns it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # see start_local_server
        executable = Path(_pgserver().__file__).parent / "pginstall" / "bin" / "pg_ctl"
    # pgserver runs the server as the unprivileged "pgserver" user when started by root.
    user = "pgserver" if os.geteuid() == 0 else None
    # A fixed argument list (no shell): pgserver's own pg_ctl.
    subprocess.run(  # noqa: S603  # nosec B603
        [executable, "-D", data_dir, "-w", *args],
        check=True,
        user=user,
        stdout=subprocess.DEVNULL,  # pg_ctl start leaves postgres holding its output
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


def stop_local_server(data_dir: Path) -> bool:
    """Stops the server running in `data_dir` (fast shutdown: its data stays); returns whether
    one was running."""
    if local_server_pid(data_dir) is None:
        return False
    pg_ctl(data_dir, "-m", "fast", "stop")
    return True
