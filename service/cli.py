"""`chat-api` / `python -m service`: serve, migrate, seed, prune-keys, check-db, local-db, dev,
keys."""

import argparse
import asyncio
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import psycopg

from service.cli_keys import add_keys_parser
from service.database import create_pool, gate
from service.databases import Databases
from service.dsn import asyncpg_dsn, masked
from service.localdb import (
    LocalDatabaseError,
    configured_database_url,
    database_url_for_development,
    local_server_pid,
    start_detached_server,
    stop_local_server,
)
from service.logs import configure_logging
from service.migrations import ReadOnlyDatabase, apply_migrations, rollback_migrations
from service.queries import load_queries
from service.resources import sql_dir
from service.seed import seed_bulk, seed_demo
from service.server import serve
from service.settings import Settings, SettingsError, load_settings
from service.store import Store

logger = logging.getLogger("chat_api.cli")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    serve(settings, args.workers or settings.workers)
    return 0


@asynccontextmanager
async def _store(settings: Settings) -> AsyncIterator[Store]:
    """The data layer on a pool of its own, for one command."""
    queries = load_queries(sql_dir())
    pool = await create_pool(settings, queries)
    try:
        databases = Databases(gate(settings, pool, queries), queries, None)
        yield Store(databases, queries, delete_timeout=settings.db_delete_timeout)
    finally:
        await pool.close()


async def _seed(settings: Settings, args: argparse.Namespace) -> tuple[int, int]:
    async with _store(settings) as store:
        if args.chats is None:
            return await seed_demo(store)
        return await seed_bulk(store, chats=args.chats, messages_per_chat=args.messages)


async def _prune_keys(settings: Settings, hours: int) -> int:
    async with _store(settings) as store:
        return await store.prune_idempotency_keys(older_than_hours=hours)


def _prune_keys_command(settings: Settings, args: argparse.Namespace) -> int:
    removed = asyncio.run(_prune_keys(settings, args.older_than_hours))
    logger.info("removed %d idempotency key(s) older than %d hours", removed, args.older_than_hours)
    return 0


def _seed_command(settings: Settings, args: argparse.Namespace) -> int:
    chats, messages = asyncio.run(_seed(settings, args))
    logger.info("seeded %d chat(s) and %d message(s)", chats, messages)
    return 0


def _report(verb: str) -> Callable[[str, float], None]:
    def report(migration_id: str, seconds: float) -> None:
        logger.info("%s %s (%.0f ms)", verb, migration_id, seconds * 1000)

    return report


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    target = masked(settings.database_url)
    verb = "rolled back" if args.rollback else "applied"
    started = time.perf_counter()
    try:
        if args.rollback:
            done = rollback_migrations(settings.database_url, progress=_report(verb))
        else:
            done = apply_migrations(settings.database_url, progress=_report(verb))
    except (psycopg.OperationalError, ReadOnlyDatabase) as exc:
        logger.error("cannot migrate %s: %s", target, exc)
        return 1
    seconds = time.perf_counter() - started
    if not done:
        logger.info("%s is up to date: no migration to apply", target)
    else:
        logger.info("%s %d migration(s) on %s in %.1f s", verb, len(done), target, seconds)
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
    data_dir = args.data_dir.resolve()
    try:
        if args.stop:
            stopped = stop_local_server(data_dir)
            print(f"chat-api: {'stopped' if stopped else 'no server running in'} {data_dir}")
        else:
            print(database_url_for_development(data_dir))
    except LocalDatabaseError as exc:
        print(f"chat-api: {exc}", file=sys.stderr)
        return 1
    return 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Before the server runs (migrating), SIGTERM must unwind like Ctrl+C so `finally` blocks
    # still stop what this process started; once serving, aiohttp handles it itself.
    raise KeyboardInterrupt


def _dev(args: argparse.Namespace) -> int:
    """`make run`: DATABASE_URL when set, else the private server under --data-dir, started
    for this run (and stopped with it) unless one was already running there."""
    configured = configured_database_url()
    url = configured
    started_here = False
    data_dir = args.data_dir.resolve()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        if url is None:
            started_here = local_server_pid(data_dir) is None
            url = start_detached_server(data_dir)
        settings = load_settings(database_url=url)
        configure_logging(settings)
        if started_here:
            logger.info("started a private PostgreSQL in %s (stopped with the server)", data_dir)
        elif configured is None:
            logger.info("using the private PostgreSQL already running in %s", data_dir)
        if _migrate(settings, argparse.Namespace(rollback=False)) != 0:
            return 1
        return _serve(settings, argparse.Namespace(workers=None))
    except (LocalDatabaseError, SettingsError) as exc:
        print(f"chat-api: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if started_here:
            stop_local_server(data_dir)
            logger.info("stopped the private PostgreSQL in %s; its data stays there", data_dir)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chat-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on HOST:PORT")
    serve.add_argument(
        "--workers", type=_positive, help="worker processes on one port (default: WORKERS)"
    )
    serve.set_defaults(run=_serve)
    seed = commands.add_parser(
        "seed", help="add demo data (idempotent), or a bulk dataset with --chats/--messages"
    )
    seed.add_argument("--chats", type=_positive, help="bulk: how many chats to add")
    seed.add_argument(
        "--messages", type=_not_negative, default=0, help="bulk: messages in each new chat"
    )
    seed.set_defaults(run=_seed_command)
    prune = commands.add_parser(
        "prune-keys", help="forget Idempotency-Keys older than 24 hours (run it from cron)"
    )
    prune.add_argument(
        "--older-than-hours", type=_at_least_a_day, default=24, help="at least 24 (default)"
    )
    prune.set_defaults(run=_prune_keys_command)
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
    local_db.add_argument("--stop", action="store_true", help="stop the private PostgreSQL")
    local_db.set_defaults(run=_local_db, needs_settings=False)
    dev = commands.add_parser(
        "dev",
        help="migrate and serve for development: DATABASE_URL, else a private PostgreSQL "
        "that stops with the server",
    )
    dev.add_argument("--data-dir", type=Path, default=Path(".data/postgres"))
    dev.set_defaults(run=_dev, needs_settings=False)
    add_keys_parser(commands)
    return parser


def _at_least(minimum: int, message: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise argparse.ArgumentTypeError(message)
        return number

    return parse


_positive = _at_least(1, "must be at least 1")
_not_negative = _at_least(0, "must not be negative")
_at_least_a_day = _at_least(24, "keys are kept at least 24 hours")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "seed" and args.messages and args.chats is None:
        parser.error("--messages needs --chats")
    if not getattr(args, "needs_settings", True):
        return int(args.run(args))
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"chat-api: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    return int(args.run(settings, args))
