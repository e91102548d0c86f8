"""The query loader fails fast on bad files, and SQL only ever lives in sql/."""

import re
import tokenize
from pathlib import Path

import pytest

from service.queries import QueryFileError, load_queries
from service.resources import sql_dir

ROOT = Path(__file__).parent.parent


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_loads_every_statement_by_file_name() -> None:
    queries = load_queries(sql_dir())
    assert {"create_chat", "list_chats_forward", "get_chat_with_messages", "delete_chat"} <= set(
        queries
    )
    assert queries.create_chat.shape == "one"
    assert queries["list_messages_before"].shape == "one"
    assert queries["list_chats_forward"].shape == "scalar"
    with pytest.raises(AttributeError, match="no query named"):
        _ = queries.drop_everything


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("a.sql", "SELECT 1;", "first line"),
        ("a.sql", "-- name: b :one\nSELECT 1;", "header names"),
        ("a.sql", "-- name: a :lots\nSELECT 1;", "first line"),
        ("a.sql", "-- name: a :one\n-- only comments\n", "no statement"),
        ("a.sql", "-- name: a :exec\nDELETE FROM x; DELETE FROM y;", "one statement"),
    ],
)
def test_malformed_files_fail_fast(tmp_path: Path, name: str, text: str, problem: str) -> None:
    write(tmp_path, name, text)
    with pytest.raises(QueryFileError, match=problem):
        load_queries(tmp_path)


def test_duplicate_names_and_empty_folders_fail(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match=r"no \.sql files"):
        load_queries(tmp_path)
    write(tmp_path / "one", "a.sql", "-- name: a :one\nSELECT 1;")
    write(tmp_path / "two", "a.sql", "-- name: a :one\nSELECT 2;")
    with pytest.raises(QueryFileError, match="already exists"):
        load_queries(tmp_path)


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
