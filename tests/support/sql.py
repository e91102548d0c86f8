"""The tests' own statements (tests/sql/), which look behind the API."""

from pathlib import Path

from service.db.queries import Query, load_statements


class Statements:
    """A flat folder of statements by file stem."""

    def __init__(self, directory: Path) -> None:
        self._queries = load_statements(directory)

    def __getattr__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no statement named {name!r}") from None
