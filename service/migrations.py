"""Applies and rolls back the yoyo migrations in migrations/ (the same files `yoyo apply` reads)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from yoyo import get_backend, read_migrations

from service.database import yoyo_url
from service.resources import migrations_dir

LOCK_TIMEOUT_SECONDS = 60

# Called with each migration's id and how long it took, as it completes.
Progress = Callable[[str, float], None]


def _silent(migration_id: str, seconds: float) -> None:
    """The default progress report: none."""


@contextmanager
def _backend(database_url: str) -> Iterator[Any]:
    backend = get_backend(yoyo_url(database_url))
    try:
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
