"""squawk (the migration linter, from npm) over migrations/: clean, with the transactional
files checked as the transactions yoyo runs them in."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT

MIGRATIONS = ROOT / "migrations"
SQUAWK = "squawk-cli@2.66.0"


def _groups() -> tuple[list[Path], list[Path]]:
    """(files yoyo runs in a transaction, files it runs statement by statement); a rollback
    runs the way its migration does."""
    in_transaction: list[Path] = []
    outside: list[Path] = []
    for migration in sorted(MIGRATIONS.glob("*.sql")):
        if migration.name.endswith(".rollback.sql"):
            continue
        transactional = "-- transactional: false" not in migration.read_text()
        group = in_transaction if transactional else outside
        group += [migration, migration.with_suffix(".rollback.sql")]
    return in_transaction, outside


def _squawk(*args: str) -> subprocess.CompletedProcess[str]:
    npx = shutil.which("npx")
    if npx is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Node.js (npx) for squawk")
        pytest.skip("npx (Node.js) is not installed on this machine")
    return subprocess.run(
        [npx, "-y", SQUAWK, "--config", str(ROOT / ".squawk.toml"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_every_migration_is_in_one_group() -> None:
    in_transaction, outside = _groups()
    assert in_transaction
    assert outside
    assert len(in_transaction) + len(outside) == len(list(MIGRATIONS.glob("*.sql")))


def test_squawk_finds_nothing_in_the_migrations() -> None:
    in_transaction, outside = _groups()
    for extra, files in ((["--assume-in-transaction"], in_transaction), ([], outside)):
        result = _squawk(*extra, *(str(path) for path in files))
        assert result.returncode == 0, result.stdout + result.stderr


def test_squawk_would_catch_an_unsafe_migration(tmp_path: Path) -> None:
    unsafe = tmp_path / "9999_unsafe.sql"
    unsafe.write_text("CREATE INDEX messages_text_idx ON messages (text);\n")
    result = _squawk(str(unsafe))
    assert result.returncode != 0
    assert "require-concurrent-index-creation" in result.stdout
