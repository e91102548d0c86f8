"""The query loader fails fast on bad files, and SQL only ever lives in sql/."""

import re
import shutil
import tokenize
from dataclasses import fields
from pathlib import Path

import pytest

from service.app import create_app
from service.data import sql
from service.data.sql import Queries, load_queries
from service.db.files import sql_dir
from service.db.queries import QueryFileError, load_statements
from service.settings import Settings
from tests.support.paths import ROOT


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def copy_of_sql(tmp_path: Path) -> Path:
    """A copy of sql/ to break on purpose."""
    root = tmp_path / "sql"
    shutil.copytree(sql_dir(), root)
    return root


def test_statements_are_called_by_folder_and_file_name() -> None:
    queries = load_queries()
    assert queries.chats.create_chat.name == "create_chat"
    assert queries.chats.create_chat.shape == "one"
    assert queries.timeline.list_messages_before.shape == "one"
    assert queries.chats.list_chats_forward.shape == "scalar"
    assert queries.session.set_config.shape == "exec"
    assert "create_chat.sql" not in queries.chats.create_chat.sql  # the file's text, not its name
    for field in fields(Queries):
        assert getattr(queries, field.name).folder == field.name


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("create_chat.sql", "SELECT 1;", "first line"),
        ("create_chat.sql", "-- name: b :one\nSELECT 1;", "header names"),
        ("create_chat.sql", "-- name: create_chat :lots\nSELECT 1;", "first line"),
        ("create_chat.sql", "-- name: create_chat :one\n-- only comments\n", "no statement"),
        ("create_chat.sql", "-- name: create_chat :exec\nDELETE FROM x; DELETE FROM y;", "one"),
    ],
)
def test_malformed_files_fail_fast(tmp_path: Path, name: str, text: str, problem: str) -> None:
    root = copy_of_sql(tmp_path)
    write(root / "chats", name, text)
    with pytest.raises(QueryFileError, match=problem):
        load_queries(root)


def test_a_dollar_quoted_body_is_one_statement(tmp_path: Path) -> None:
    body = "-- name: a :exec\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$;"
    write(tmp_path, "a.sql", body)
    assert load_statements(tmp_path)["a"].shape == "exec"
    write(tmp_path, "b.sql", body.replace("name: a", "name: b") + " SELECT 1;")
    with pytest.raises(QueryFileError, match="one statement"):
        load_statements(tmp_path)


def test_a_missing_file_fails_fast(tmp_path: Path) -> None:
    root = copy_of_sql(tmp_path)
    (root / "messages" / "edit_message.sql").unlink()
    with pytest.raises(QueryFileError, match=r"messages: no edit_message\.sql"):
        load_queries(root)


@pytest.mark.parametrize(
    ("folder", "name"), [("chats", "forgotten.sql"), ("reports", "weekly.sql"), (".", "loose.sql")]
)
def test_a_file_nothing_calls_fails_fast(tmp_path: Path, folder: str, name: str) -> None:
    root = copy_of_sql(tmp_path)
    write(root / folder, name, f"-- name: {name.removesuffix('.sql')} :one\nSELECT 1;")
    with pytest.raises(QueryFileError, match="nothing calls"):
        load_queries(root)


def test_the_service_does_not_start_with_a_file_nothing_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    root = copy_of_sql(tmp_path)
    write(root / "chats", "forgotten.sql", "-- name: forgotten :one\nSELECT 1;")
    monkeypatch.setattr(sql, "sql_dir", lambda: root)
    with pytest.raises(QueryFileError, match=r"forgotten\.sql"):
        create_app(settings)


OWNERS = {
    "chats",
    "messages",
    "events",
    "reading",
    "keys",
    "members",
    "users",
    "inbox",
    "webhooks",
    "search",
    "timeline",
    "threads",
    "reactions",
    "pins",
    "deliveries",
}  # data/<folder>.py; rest: db/


def _owner_code(folder: str) -> str:
    if folder in OWNERS:
        return (ROOT / "service" / "data" / f"{folder}.py").read_text()
    return "\n".join(path.read_text() for path in (ROOT / "service" / "db").glob("*.py"))


def test_every_file_is_run_by_the_module_of_its_folder() -> None:
    """`grep -rn create_message service/` lands on data/messages.py, which runs
    sql/messages/create_message.sql as `self._sql.create_message` (`_sql`, or `sql` for short,
    is its folder's statements) or `queries.messages.create_message`."""
    uncalled = []
    for path in sorted(sql_dir().rglob("*.sql")):
        folder, stem = path.parent.name, path.stem
        pattern = rf"\b(_sql|sql|_{folder}|queries\.{folder})\.{stem}\b"
        if not re.search(pattern, _owner_code(folder)):
            uncalled.append(f"{folder}/{path.name}")
    assert uncalled == []


def test_every_query_header_documents_parameters_and_results() -> None:
    for path in sorted(sql_dir().rglob("*.sql")):
        text = path.read_text()
        header = [line for line in text.splitlines() if line.startswith("--")]
        placeholders = set(re.findall(r"\$(\d+)", text.split("\n", len(header))[-1]))
        for number in placeholders:
            assert any(line.startswith(f"-- ${number} ") for line in header), (path, number)
        assert any(line.startswith("-- returns:") for line in header), path
        assert "SELECT *" not in text.upper(), path


SQL_IN_PYTHON = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|DATABASE|FUNCTION|TRIGGER)\b",
    re.IGNORECASE,
)


def _string_literals(path: Path) -> list[tuple[int, str]]:
    with path.open("rb") as source:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.STRING
            or token.type == getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)
        ]


def test_no_sql_text_in_service_code() -> None:
    offenders = [
        f"{path}:{line}"
        for path in sorted((ROOT / "service").rglob("*.py"))
        for line, literal in _string_literals(path)
        if SQL_IN_PYTHON.search(literal)
    ]
    assert offenders == []


def test_sql_scanner_finds_sql_in_strings_not_comments(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('# SELECT id FROM chats\nQUERY = "select id from chats where id = 1"\n')
    assert [
        line for line, literal in _string_literals(sample) if SQL_IN_PYTHON.search(literal)
    ] == [2]
