"""Loads the hand-written statements in `sql/` once and runs them through asyncpg.

Each file holds one statement under a header whose first line is `-- name: <file stem> :<shape>`;
the shape decides what a call returns: `:one` a record or None, `:many` a list of records,
`:scalar` one value, `:exec` the command status.
"""

import logging
import re
import time
from collections.abc import Awaitable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

logger = logging.getLogger("chat_api.queries")

Shape = Literal["one", "many", "scalar", "exec"]
_HEADER = re.compile(r"^-- name: (?P<name>[a-z_][a-z0-9_]*) :(?P<shape>one|many|scalar|exec)$")
_COMMENT = re.compile(r"--[^\n]*")


class Executor(Protocol):
    """What asyncpg's Pool and Connection both offer (their `timeout` keyword included)."""

    async def fetch(self, query: str, *args: Any, timeout: float | None = ...) -> list[Any]: ...  # noqa: ASYNC109
    async def fetchrow(self, query: str, *args: Any, timeout: float | None = ...) -> Any: ...  # noqa: ASYNC109
    async def fetchval(self, query: str, *args: Any, timeout: float | None = ...) -> Any: ...  # noqa: ASYNC109
    async def execute(self, query: str, *args: Any, timeout: float | None = ...) -> str: ...  # noqa: ASYNC109


class QueryFileError(Exception):
    """A file in sql/ is missing its header, holds more than one statement, or clashes."""


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    shape: Shape
    sql: str

    def __call__(
        self, db: Executor, *args: Any, command_timeout: float | None = None
    ) -> Awaitable[Any]:
        """Runs the statement; command_timeout (seconds) replaces the connection's own. A plain
        function handing back asyncpg's awaitable: a coroutine of ours around it cost time on
        every request."""
        if logger.isEnabledFor(logging.DEBUG):
            return self._timed(db, args, command_timeout)
        return self._run(db, args, command_timeout)

    async def _timed(
        self, db: Executor, args: tuple[Any, ...], command_timeout: float | None
    ) -> Any:
        started = time.perf_counter()
        try:
            return await self._run(db, args, command_timeout)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug(
                "query %s took %.2f ms",
                self.name,
                elapsed_ms,
                extra={"query": self.name, "duration_ms": round(elapsed_ms, 2)},
            )

    def _run(self, db: Executor, args: tuple[Any, ...], timeout: float | None) -> Awaitable[Any]:
        # timeout=None is asyncpg's own default: the connection's command_timeout.
        if self.shape == "one":
            return db.fetchrow(self.sql, *args, timeout=timeout)
        if self.shape == "many":
            return db.fetch(self.sql, *args, timeout=timeout)
        if self.shape == "scalar":
            return db.fetchval(self.sql, *args, timeout=timeout)
        return db.execute(self.sql, *args, timeout=timeout)


class Queries(Mapping[str, Query]):
    """All statements by name; `queries.create_chat` and `queries["create_chat"]` both work."""

    def __init__(self, queries: dict[str, Query]) -> None:
        self._queries = queries

    def __getattr__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r} in sql/") from None

    def __getitem__(self, name: str) -> Query:
        return self._queries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)


def parse_query_file(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    first_line = text.split("\n", 1)[0].strip()
    header = _HEADER.match(first_line)
    if header is None:
        raise QueryFileError(f"{path}: first line must be '-- name: {path.stem} :<shape>'")
    if header["name"] != path.stem:
        raise QueryFileError(f"{path}: header names {header['name']!r}, file is {path.stem!r}")
    code = _COMMENT.sub("", text).strip()
    if not code:
        raise QueryFileError(f"{path}: no statement")
    if ";" in code.rstrip(";"):
        raise QueryFileError(f"{path}: one statement per file")
    return Query(name=path.stem, shape=header["shape"], sql=text)  # type: ignore[arg-type]


def load_queries(root: Path) -> Queries:
    queries: dict[str, Query] = {}
    for path in sorted(root.rglob("*.sql")):
        query = parse_query_file(path)
        if query.name in queries:
            raise QueryFileError(f"{path}: a query named {query.name!r} already exists")
        queries[query.name] = query
    if not queries:
        raise QueryFileError(f"{root}: no .sql files")
    return Queries(queries)
