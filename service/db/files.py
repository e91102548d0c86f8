"""Where the SQL files and migrations are: inside the installed wheel, or in the source tree."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _locate(name: str) -> Path:
    # A wheel carries sql/ and migrations/ inside the package (see pyproject.toml); a source
    # checkout or an editable install keeps them beside it, where DBAs review them.
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ directory next to {_PACKAGE_DIR}")


def sql_dir() -> Path:
    return _locate("sql")


def migrations_dir() -> Path:
    return _locate("migrations")
