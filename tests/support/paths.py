"""Where things are, for tests that read or run the repository's files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_SQL = ROOT / "tests" / "sql"
