"""The wheel is self-contained: sql/ and migrations/ ship inside the package."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import ROOT

# Builds and installs the wheel in a virtualenv of its own.
pytestmark = pytest.mark.component


def test_wheel_carries_sql_and_migrations_and_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path, ROOT],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("chat_api-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in [*ROOT.glob("sql/**/*.sql"), *ROOT.glob("migrations/*.sql")]:
        assert f"service/{path.relative_to(ROOT)}" in names
    assert "service/static/redoc.standalone.js" in names

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
        check=True,
        capture_output=True,
    )
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from service.db.files import sql_dir, migrations_dir; "
            "print(sql_dir()); print(migrations_dir())",
        ],
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.splitlines() == [
        str(site / "service/sql"),
        str(site / "service/migrations"),
    ]
