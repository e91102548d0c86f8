"""What each `chat-api` command does (service.ops.cli parses the command line)."""

import argparse
import asyncio
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import psycopg

from service.data.layer import DataLayer
from service.data.sql import load_queries
from service.db.databases import Databases
from service.db.dsn import asyncpg_dsn, masked
from service.db.localdb import (
    LocalDatabaseError,
    configured_database_url,
    database_url_for_development,
    local_server_pid,
    start_detached_server,
    stop_local_server,
)
from service.db.migrations import ReadOnlyDatabase, apply_migrations, rollback_migrations
from service.db.pools import create_pool, make_gate
from service.ops.seed import seed_bulk, seed_demo
from service.ops.server import serve
from service.settings import Settings, SettingsError, load_settings
from service.telemetry.logs import configure_logging

logger = logging.getLogger("chat_api.cli")


def serve_command(settings: Settings, args: argparse.Namespace) -> int:
    serve(settings, args.workers or settings.workers)
    return 0


@asynccontextmanager
async def command_data(settings: Settings) -> AsyncIterator[DataLayer]:
    """The data layer on a pool of its own (the primary alone), for one command."""
    queries = load_queries()
    pool = await create_pool(settings, queries.session)
    try:
        databases = Databases(
            make_gate(settings, pool, queries.session),
            None,
            health=queries.health,
            replication=queries.replication,
        )
        yield DataLayer.over(databases, queries, delete_timeout=settings.db_delete_timeout)
    finally:
        await pool.close()


async def _seed(settings: Settings, args: argparse.Namespace) -> tuple[int, int]:
    async with command_data(settings) as data:
        if args.chats is None:
            return await seed_demo(data)
        return await seed_bulk(data, chats=args.chats, messages_per_chat=args.messages)


async def _prune_keys(settings: Settings, hours: int) -> int:
    async with command_data(settings) as data:
        return await data.messages.prune_idempotency_keys(older_than_hours=hours)


def prune_keys_command(settings: Settings, args: argparse.Namespace) -> int:
    removed = asyncio.run(_prune_keys(settings, args.older_than_hours))
    logger.info("removed %d idempotency key(s) older than %d hours", removed, args.older_than_hours)
    return 0


PRUNE_BATCH = 10_000  # rows per statement: each commits on its own, no long lock


async def _prune_events(settings: Settings) -> tuple[int, int]:
    """The log's old events, and the webhooks' finished deliveries as old (with their
    attempts): both kept EVENT_LOG_RETENTION_HOURS."""
    removed, delivered, hours = 0, 0, settings.event_log_retention_hours
    async with command_data(settings) as data:
        while batch := await data.events.prune_events(older_than_hours=hours, batch=PRUNE_BATCH):
            removed += batch
        while batch := await data.deliveries.prune(hours=hours, batch=PRUNE_BATCH):
            delivered += batch
    return removed, delivered


def prune_events_command(settings: Settings, args: argparse.Namespace) -> int:
    removed, delivered = asyncio.run(_prune_events(settings))
    hours = settings.event_log_retention_hours
    logger.info(
        "removed %d event(s) and %d finished webhook deliveries older than %d hours",
        removed,
        delivered,
        hours,
    )
    return 0


def seed_command(settings: Settings, args: argparse.Namespace) -> int:
    chats, messages = asyncio.run(_seed(settings, args))
    logger.info("seeded %d chat(s) and %d message(s)", chats, messages)
    return 0


def _report(verb: str) -> Callable[[str, float], None]:
    def report(migration_id: str, seconds: float) -> None:
        logger.info("%s %s (%.0f ms)", verb, migration_id, seconds * 1000)

    return report


def migrate(settings: Settings, args: argparse.Namespace) -> int:
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
    ping = load_queries().health.ping
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


def check_db(settings: Settings, args: argparse.Namespace) -> int:
    if asyncio.run(_database_answers(settings)):
        logger.info("database %s answers", masked(settings.database_url))
        return 0
    return 1


def local_db(args: argparse.Namespace) -> int:
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


def dev(args: argparse.Namespace) -> int:
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
        if migrate(settings, argparse.Namespace(rollback=False)) != 0:
            return 1
        return serve_command(settings, argparse.Namespace(workers=None))
    except (LocalDatabaseError, SettingsError) as exc:
        print(f"chat-api: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if started_here:
            stop_local_server(data_dir)
            logger.info("stopped the private PostgreSQL in %s; its data stays there", data_dir)
