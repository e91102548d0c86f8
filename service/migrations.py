"""Applies and rolls back the yoyo migrations in migrations/ (the same files `yoyo apply` reads)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from yoyo import get_backend, read_migrations

from service.database import yoyo_url
from service.resources import migrations_dir

LOCK_TIMEOUT_SECONDS = 60


@contextmanager
def _backend(database_url: str) -> Iterator[Any]:
    backend = get_backend(yoyo_url(database_url))
    try:
        yield backend
    finally:
        # yoyo leaves its connection open; closing it avoids a ResourceWarning.
        backend.connection.close()


def apply_migrations(database_url: str) -> list[str]:
    """Applies every pending migration; returns their ids."""
    with _backend(database_url) as backend, backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
        pending = backend.to_apply(read_migrations(str(migrations_dir())))
        backend.apply_migrations(pending)
        return [migration.id for migration in pending]


def rollback_migrations(database_url: str, *, steps: int = 1) -> list[str]:
    """Rolls back the latest `steps` applied migrations; returns their ids."""
    with _backend(database_url) as backend, backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
        applied = backend.to_rollback(read_migrations(str(migrations_dir())))
        chosen = applied[:steps]
        backend.rollback_migrations(chosen)
        return [migration.id for migration in chosen]
