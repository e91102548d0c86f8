"""`chat-api` / `python -m service`: serve, migrate, seed, prune-keys, prune-events, check-db,
local-db, dev, keys, webhooks."""

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from service.ops import commands
from service.ops.keys_cli import add_keys_parser
from service.ops.webhooks_cli import add_webhooks_parser
from service.settings import SettingsError, load_settings
from service.telemetry.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chat-api", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True)
    serve = subcommands.add_parser("serve", help="serve the API on HOST:PORT")
    serve.add_argument(
        "--workers", type=_positive, help="worker processes on one port (default: WORKERS)"
    )
    serve.set_defaults(run=commands.serve_command)
    seed = subcommands.add_parser(
        "seed", help="add demo data (idempotent), or a bulk dataset with --chats/--messages"
    )
    seed.add_argument("--chats", type=_positive, help="bulk: how many chats to add")
    seed.add_argument(
        "--messages", type=_not_negative, default=0, help="bulk: messages in each new chat"
    )
    seed.set_defaults(run=commands.seed_command)
    prune = subcommands.add_parser(
        "prune-keys", help="forget Idempotency-Keys older than 24 hours (run it from cron)"
    )
    prune.add_argument(
        "--older-than-hours", type=_at_least_a_day, default=24, help="at least 24 (default)"
    )
    prune.set_defaults(run=commands.prune_keys_command)
    subcommands.add_parser(
        "prune-events",
        help="forget events older than EVENT_LOG_RETENTION_HOURS (run it from cron)",
    ).set_defaults(run=commands.prune_events_command)
    migrate = subcommands.add_parser("migrate", help="apply the migrations to DATABASE_URL")
    migrate.add_argument("--rollback", action="store_true", help="roll back the latest one")
    migrate.set_defaults(run=commands.migrate)
    subcommands.add_parser(
        "check-db", help="exit 0 when the database answers, 1 otherwise"
    ).set_defaults(run=commands.check_db)
    local_db = subcommands.add_parser(
        "local-db",
        help="print DATABASE_URL, or start a private PostgreSQL (dev only) and print its URL",
    )
    local_db.add_argument("--data-dir", type=Path, default=Path(".data/postgres"))
    local_db.add_argument("--stop", action="store_true", help="stop the private PostgreSQL")
    local_db.set_defaults(run=commands.local_db, needs_settings=False)
    dev = subcommands.add_parser(
        "dev",
        help="migrate and serve for development: DATABASE_URL, else a private PostgreSQL "
        "that stops with the server",
    )
    dev.add_argument("--data-dir", type=Path, default=Path(".data/postgres"))
    dev.set_defaults(run=commands.dev, needs_settings=False)
    add_keys_parser(subcommands)
    add_webhooks_parser(subcommands)
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
