"""Migrations (stairway, yoyo CLI), the chat-api commands and configuration errors."""

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from service.db.dsn import (
    asyncpg_dsn,
    is_multi_host,
    masked,
    split_urls,
    with_single_host,
    yoyo_url,
)
from service.db.files import migrations_dir
from service.db.migrations import apply_migrations, rollback_migrations
from service.ops.cli import main
from service.settings import SettingsError, load_settings
from tests.support import postgres
from tests.support.paths import ROOT
from tests.support.sql import Statements

MIGRATIONS = sorted(path for path in migrations_dir().glob("*.sql") if ".rollback" not in path.name)
BIN = Path(sys.executable).parent


@pytest.fixture
async def empty_database(pg_server: str) -> AsyncIterator[str]:
    name = postgres.unique_name("chat_api_empty")
    await postgres.create_database(pg_server, name)
    yield postgres.database_url(pg_server, name)
    await postgres.drop_database(pg_server, name)


async def _signature(url: str, queries: Statements) -> list[tuple[str, str, str]]:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await queries.schema_signature(connection)]
    finally:
        await connection.close()


def test_every_migration_has_a_rollback() -> None:
    assert MIGRATIONS
    for migration in MIGRATIONS:
        assert migration.with_suffix(".rollback.sql").exists(), migration.name


async def test_stairway_up_down_up(empty_database: str, test_queries: Statements) -> None:
    assert apply_migrations(empty_database) == [path.stem for path in MIGRATIONS]
    applied = await _signature(empty_database, test_queries)
    assert any(kind == "trigger" for kind, _, _ in applied)

    rolled_back = rollback_migrations(empty_database, steps=len(MIGRATIONS))
    assert rolled_back == [path.stem for path in reversed(MIGRATIONS)]
    assert await _signature(empty_database, test_queries) == []

    apply_migrations(empty_database)
    assert await _signature(empty_database, test_queries) == applied
    assert apply_migrations(empty_database) == [], "applying twice is a no-op"


@pytest.mark.component
def test_plain_yoyo_cli_applies_the_migrations(empty_database: str) -> None:
    # The command DBAs and deploy scripts run, with the URL form documented in docs/database.md.
    subprocess.run(
        [BIN / "yoyo", "apply", "--batch", "--database", yoyo_url(empty_database), "migrations"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert apply_migrations(empty_database) == []


def test_database_url_forms() -> None:
    assert yoyo_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert yoyo_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert asyncpg_dsn("postgresql+psycopg://u@h/d") == "postgresql://u@h/d"
    assert masked("postgresql://u:secret@h/d") == "postgresql://u:***@h/d"
    assert masked("postgresql://u@h/d") == "postgresql://u@h/d"
    with pytest.raises(ValueError, match="postgresql://"):
        yoyo_url("mysql://u@h/d")


def test_multi_host_urls_keep_every_host_and_hide_the_password() -> None:
    url = "postgresql://u:s3cret@h1:5432,h2:5433/d?target_session_attrs=read-write"
    assert asyncpg_dsn(url) == url
    assert (
        yoyo_url(url)
        == "postgresql+psycopg://u:s3cret@h1:5432,h2:5433/d?target_session_attrs=read-write"
    )
    assert masked(url) == "postgresql://u:***@h1:5432,h2:5433/d?target_session_attrs=read-write"
    assert is_multi_host(url)
    assert not is_multi_host("postgresql://u@h1:5432/d")
    assert with_single_host(url, "h2", 5433) == (
        "postgresql://u:s3cret@h2:5433/d?target_session_attrs=read-write"
    )
    assert split_urls("postgresql://a@h1,h2/d, postgres://b@h3/d") == [
        "postgresql://a@h1,h2/d",
        "postgres://b@h3/d",
    ]


def test_url_settings_are_checked_at_start_up() -> None:
    settings = load_settings(
        _env_file=None,
        database_url="postgresql://u@h1:5432,h2:5432/d",
        database_listen_url="",
        database_replica_urls="postgresql://u@r1,r2/d,postgresql://u@r3/d",
    )
    assert settings.listen_url == settings.database_url
    assert settings.database_replica_urls == ["postgresql://u@r1,r2/d", "postgresql://u@r3/d"]
    with pytest.raises(SettingsError, match="DATABASE_REPLICA_URLS"):
        load_settings(
            _env_file=None, database_url="postgresql://h/d", database_replica_urls="mysql://x"
        )


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No .env file and no chat-api variables from the developer's shell."""
    monkeypatch.chdir(tmp_path)
    for variable in list(os.environ):
        if variable in {"DATABASE_URL", "PORT", "HOST", "LOG_LEVEL", "MAX_MESSAGES_LIMIT"}:
            monkeypatch.delenv(variable)
    return monkeypatch


def test_cli_migrate_rollback_and_check_db(
    isolated_env: pytest.MonkeyPatch, empty_database: str
) -> None:
    isolated_env.setenv("DATABASE_URL", empty_database)
    assert main(["migrate"]) == 0
    assert apply_migrations(empty_database) == []
    assert main(["migrate", "--rollback"]) == 0
    assert apply_migrations(empty_database) == [MIGRATIONS[-1].stem]
    assert main(["check-db"]) == 0


def test_check_db_fails_when_nothing_answers(isolated_env: pytest.MonkeyPatch) -> None:
    isolated_env.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/none")
    isolated_env.setenv("DB_CONNECT_TIMEOUT", "2")
    assert main(["check-db"]) == 1


def test_settings_come_from_dotenv(
    isolated_env: pytest.MonkeyPatch, tmp_path: Path, empty_database: str
) -> None:
    (tmp_path / ".env").write_text(f"DATABASE_URL={empty_database}\n")
    assert main(["check-db"]) == 0


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PORT", "eighty", "PORT"),
        ("PORT", "70000", "PORT"),
        ("MAX_MESSAGES_LIMIT", "0", "MAX_MESSAGES_LIMIT"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("DEFAULT_MESSAGES_LIMIT", "500", "DEFAULT_MESSAGES_LIMIT"),
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(
    isolated_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str | None,
    expected: str,
) -> None:
    if variable != "DATABASE_URL":
        isolated_env.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/d")
    if value is not None:
        isolated_env.setenv(variable, value)
    assert main(["serve"]) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert expected in message


@pytest.mark.component
def test_python_dash_m_service_runs_the_cli(empty_database: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": empty_database}
    result = subprocess.run(
        [sys.executable, "-m", "service", "check-db"], env=env, cwd=tmp_path, capture_output=True
    )
    assert result.returncode == 0, result.stderr
    assert subprocess.run([BIN / "chat-api", "--help"], capture_output=True).returncode == 0


async def test_read_markers_migration_counts_existing_messages_as_unread(
    empty_database: str, test_queries: Statements
) -> None:
    from_read_markers = [p.stem for p in MIGRATIONS if p.stem >= "0005_read_markers"]
    apply_migrations(empty_database)
    rollback_migrations(empty_database, steps=len(from_read_markers))
    connection = await asyncpg.connect(empty_database)
    try:
        chat_id = await test_queries.insert_unmarked_chat(connection, 7)
        assert apply_migrations(empty_database) == from_read_markers
        counts = await test_queries.count_unread(connection, chat_id)
    finally:
        await connection.close()
    assert dict(counts) == {"message_count": 7, "unread_count": 7, "messages": 7, "unread": 7}


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
@pytest.mark.component
def test_migrate_prints_a_line_per_migration_and_yoyo_steps_only_when_debugging(
    empty_database: str, level: str
) -> None:
    result = subprocess.run(
        [BIN / "chat-api", "migrate"],
        env={**os.environ, "DATABASE_URL": empty_database, "LOG_LEVEL": level},
        capture_output=True,
        text=True,
        check=True,
    )
    for migration in MIGRATIONS:
        assert f"applied {migration.stem} (" in result.stderr
    assert f"applied {len(MIGRATIONS)} migration(s)" in result.stderr
    assert ("applying step" in result.stderr) == (level == "DEBUG")


async def test_people_migrations_keep_existing_chats_open_and_record_their_authors(
    empty_database: str, test_queries: Statements
) -> None:
    from_people = [p.stem for p in MIGRATIONS if p.stem >= "0013_people"]
    apply_migrations(empty_database)
    rollback_migrations(empty_database, steps=len(from_people))
    connection = await asyncpg.connect(empty_database)
    try:
        chat_id = await test_queries.insert_chat_before_people(connection)
        assert apply_migrations(empty_database) == from_people
        state = await test_queries.people_backfill_state(connection, chat_id)
    finally:
        await connection.close()
    # Nothing disappears for anyone: public, no owner yet (an admin gives it one).
    assert (state["visibility"], state["member_count"]) == ("public", 0)
    assert state["last_message_id"] == state["newest_id"] is not None
    assert state["last_message_at"].isoformat() == "2026-01-01T00:06:00+00:00"
    users = json.loads(state["users"])
    assert set(users) == {"ann", "bob"}
    assert users["bob"].startswith("2026-01-01T00:01:00")  # its first message's time
    assert state["valid"] is True


async def test_summaries_migrations_fill_in_threads_mentions_and_reactions_from_before(
    empty_database: str, test_queries: Statements
) -> None:
    from_summaries = [p.stem for p in MIGRATIONS if p.stem >= "0021_message_summaries"]
    apply_migrations(empty_database)
    rollback_migrations(empty_database, steps=len(from_summaries))
    connection = await asyncpg.connect(empty_database)
    try:
        root = await test_queries.insert_decorated_before_summaries(connection)
        assert apply_migrations(empty_database) == from_summaries
        seen = {
            viewer: json.loads(await test_queries.message_as_seen_by(connection, root, viewer))
            for viewer in ("ann", "bob", "cat")
        }
    finally:
        await connection.close()
    for viewer, mine in (("ann", [True, False]), ("bob", [True, True]), ("cat", [False, False])):
        assert seen[viewer]["thread"]["participants"] == ["bob", "cat"]
        assert seen[viewer]["thread"]["reply_count"] == 3
        assert seen[viewer]["mentions"] == ["bob", "ann"]
        assert seen[viewer]["reactions"] == [
            {"emoji": "👍", "count": 2, "me": mine[0]},
            {"emoji": ":tada:", "count": 1, "me": mine[1]},
        ]
