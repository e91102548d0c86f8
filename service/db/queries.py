"""Loads the hand-written statements in `sql/` once and runs them through asyncpg.

Each file holds one statement under a header whose first line is `-- name: <file stem> :<shape>`;
the shape decides what a call returns: `:one` a record or None, `:many` a list of records,
`:scalar` one value, `:exec` the command status.
"""

import logging
import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self, get_type_hints

logger = logging.getLogger("chat_api.queries")

Shape = Literal["one", "many", "scalar", "exec"]
_HEADER = re.compile(r"^-- name: (?P<name>[a-z_][a-z0-9_]*) :(?P<shape>one|many|scalar|exec)$")
_COMMENT = re.compile(r"--[^\n]*")
# A dollar-quoted body ($$ ... $$, $body$ ... $body$): its semicolons end no statement.
_DOLLAR_QUOTED = re.compile(r"\$(?P<tag>\w*)\$.*?\$(?P=tag)\$", re.DOTALL)


class Executor(Protocol):
    """What asyncpg's Pool and Connection both offer (their `timeout` keyword included)."""

    async def fetch(self, query: str, *args: Any, timeout: float | None = ...) -> list[Any]: ...  # noqa: ASYNC109
    async def fetchrow(self, query: str, *args: Any, timeout: float | None = ...) -> Any: ...  # noqa: ASYNC109
    async def fetchval(self, query: str, *args: Any, timeout: float | None = ...) -> Any: ...  # noqa: ASYNC109
    async def execute(self, query: str, *args: Any, timeout: float | None = ...) -> str: ...  # noqa: ASYNC109


class QueryFileError(Exception):
    """A file in sql/ is missing, has no proper header, holds more than one statement, or is one
    that nothing calls."""


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
    if ";" in _DOLLAR_QUOTED.sub("", code).rstrip(";"):
        raise QueryFileError(f"{path}: one statement per file")
    return Query(name=path.stem, shape=header["shape"], sql=text)  # type: ignore[arg-type]


def load_statements(directory: Path) -> dict[str, Query]:
    """The statements of one folder by file stem (tests and the bench keep flat folders)."""
    return {path.stem: parse_query_file(path) for path in sorted(directory.glob("*.sql"))}


class QueryFolder:
    """The statements of one folder of sql/, one annotation per file (`create_chat: Query`
    for `create_chat.sql`), so calls read `queries.chats.create_chat(...)` and are checked
    by mypy. `load` fails on a declared file that is missing and on a file nobody declared."""

    folder: ClassVar[str]

    def __init_subclass__(cls, *, folder: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.folder = folder

    @classmethod
    def statement_names(cls) -> set[str]:
        return {name for name in get_type_hints(cls) if name != "folder"}

    @classmethod
    def load(cls, root: Path) -> Self:
        directory = root / cls.folder
        found = load_statements(directory)
        declared = cls.statement_names()
        missing = sorted(declared - found.keys())
        if missing:
            raise QueryFileError(f"{directory}: no {', '.join(n + '.sql' for n in missing)}")
        unused = sorted(found.keys() - declared)
        if unused:
            names = ", ".join(f"{directory / name}.sql" for name in unused)
            raise QueryFileError(f"nothing calls {names} (not declared in {cls.__qualname__})")
        folder = cls()
        for name in declared:
            setattr(folder, name, found[name])
        return folder
