"""Applies and rolls back the yoyo migrations in migrations/ (the same files `yoyo apply` reads)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from yoyo import get_backend, read_migrations

from service.db.databases import HealthQueries
from service.db.dsn import asyncpg_dsn, is_multi_host, with_single_host, yoyo_url
from service.db.files import migrations_dir, sql_dir

LOCK_TIMEOUT_SECONDS = 60

# Called with each migration's id and how long it took, as it completes.
Progress = Callable[[str, float], None]


def _silent(migration_id: str, seconds: float) -> None:
    """The default progress report: none."""


class ReadOnlyDatabase(Exception):
    """The target refuses writes: a hot standby, or a read-only database."""


def _single_host(database_url: str) -> str:
    """yoyo parses URLs itself and cannot read several hosts: for a multi-host URL libpq finds
    the server (honouring target_session_attrs) and yoyo is given that one."""
    if not is_multi_host(database_url):
        return database_url
    with psycopg.connect(asyncpg_dsn(database_url)) as connection:
        return with_single_host(database_url, connection.info.host, connection.info.port)


def _refuse_read_only(backend: Any) -> None:
    # yoyo would otherwise wait out its lock timeout retrying an INSERT the server refuses.
    cursor = backend.connection.cursor()
    try:
        cursor.execute(HealthQueries.load(sql_dir()).database_state.sql)
        (read_only,) = cursor.fetchone()
    finally:
        cursor.close()
        backend.connection.rollback()
    if read_only:
        raise ReadOnlyDatabase("the database is read-only (a hot standby?): migrate the primary")


@contextmanager
def _backend(database_url: str) -> Iterator[Any]:
    backend = get_backend(yoyo_url(_single_host(database_url)))
    try:
        _refuse_read_only(backend)
        yield backend
    finally:
        # yoyo leaves its connection open; closing it avoids a ResourceWarning.
        backend.connection.close()


def apply_migrations(database_url: str, progress: Progress = _silent) -> list[str]:
    """Applies every pending migration, one at a time; returns their ids."""
    with _backend(database_url) as backend, backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
        pending = backend.to_apply(read_migrations(str(migrations_dir())))
        for migration in pending:
            started = time.perf_counter()
            backend.apply_one(migration)
            progress(migration.id, time.perf_counter() - started)
        backend.run_post_apply(pending)
        return [migration.id for migration in pending]


def rollback_migrations(
    database_url: str, *, steps: int = 1, progress: Progress = _silent
) -> list[str]:
    """Rolls back the latest `steps` applied migrations; returns their ids."""
    with _backend(database_url) as backend, backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
        applied = backend.to_rollback(read_migrations(str(migrations_dir())))
        chosen = applied[:steps]
        for migration in chosen:
            started = time.perf_counter()
            backend.rollback_one(migration)
            progress(migration.id, time.perf_counter() - started)
        return [migration.id for migration in chosen]
