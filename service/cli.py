"""`chat-api` / `python -m service`: serve, migrate, check-db, local-db."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import asyncpg
from aiohttp import web

from service.app import create_app
from service.database import asyncpg_dsn, masked
from service.localdb import LocalDatabaseError, database_url_for_development
from service.logs import configure_logging
from service.migrations import apply_migrations, rollback_migrations
from service.queries import load_queries
from service.resources import sql_dir
from service.settings import Settings, SettingsError, load_settings

logger = logging.getLogger("chat_api.cli")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        print=lambda message: logger.info("%s", message.strip()),
    )
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    if args.rollback:
        done = rollback_migrations(settings.database_url)
        verb = "rolled back"
    else:
        done = apply_migrations(settings.database_url)
        verb = "applied"
    target = masked(settings.database_url)
    logger.info("%s %d migration(s) on %s: %s", verb, len(done), target, ", ".join(done) or "-")
    return 0


async def _database_answers(settings: Settings) -> bool:
    ping = load_queries(sql_dir()).ping
    try:
        connection = await asyncpg.connect(
            asyncpg_dsn(settings.database_url), timeout=settings.db_connect_timeout
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        logger.error("database %s does not answer: %s", masked(settings.database_url), exc)
        return False
    try:
        return bool(await ping(connection) == 1)
    finally:
        await connection.close()


def _check_db(settings: Settings, args: argparse.Namespace) -> int:
    if asyncio.run(_database_answers(settings)):
        logger.info("database %s answers", masked(settings.database_url))
        return 0
    return 1


def _local_db(args: argparse.Namespace) -> int:
    try:
        print(database_url_for_development(args.data_dir.resolve()))
    except LocalDatabaseError as exc:
        print(f"chat-api: {exc}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chat-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API on HOST:PORT").set_defaults(run=_serve)
    migrate = commands.add_parser("migrate", help="apply the migrations to DATABASE_URL")
    migrate.add_argument("--rollback", action="store_true", help="roll back the latest one")
    migrate.set_defaults(run=_migrate)
    commands.add_parser(
        "check-db", help="exit 0 when the database answers, 1 otherwise"
    ).set_defaults(run=_check_db)
    local_db = commands.add_parser(
        "local-db",
        help="print DATABASE_URL, or start a private PostgreSQL (dev only) and print its URL",
    )
    local_db.add_argument("--data-dir", type=Path, default=Path(".data/postgres"))
    local_db.set_defaults(run=_local_db, needs_settings=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not getattr(args, "needs_settings", True):
        return int(args.run(args))
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"chat-api: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    return int(args.run(settings, args))
