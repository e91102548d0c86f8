"""A private PostgreSQL for development (`make run`, `make test`) on machines without one.

It uses the `pgserver` wheel (part of the `dev` extra), which carries PostgreSQL's binaries and,
when run as root, starts the server as an unprivileged `pgserver` user. The server listens on a
Unix socket inside its data directory only, and keeps running (and its data) between runs.
"""

import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
        try:
            import pgserver
        except ImportError:
            raise LocalDatabaseError(
                "the pgserver package is not installed (it ships wheels for Python 3.11 and "
                "3.12 only): install the dev extra, or set DATABASE_URL to a PostgreSQL server"
            ) from None
        # Its INFO lines narrate every pg_ctl call, also from an atexit hook after logging closed.
        logging.getLogger("pgserver").setLevel(logging.WARNING)
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with _utf8_locale():
            server = pgserver.get_server(data_dir, cleanup_mode=None if keep_running else "delete")
        return str(server.get_uri())


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


def database_url_for_development(data_dir: Path) -> str:
    """DATABASE_URL when it is set (environment or .env), else a private server's URL."""
    return _ConfiguredDatabase().database_url or start_local_server(data_dir)
