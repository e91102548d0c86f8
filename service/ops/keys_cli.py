"""`chat-api keys create|list|revoke`: API keys for AUTH_MODE=api_key."""

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from service.auth.keys import KEY_NAME, SCOPES, ApiKeys
from service.domain.errors import KeyNameTaken
from service.domain.fields import USER_ID_MAX_LENGTH
from service.ops.commands import command_data
from service.settings import Settings


@asynccontextmanager
async def _api_keys(settings: Settings) -> AsyncIterator[ApiKeys]:
    async with command_data(settings) as data:
        yield ApiKeys(data.keys)


def _name(value: str) -> str:
    if not KEY_NAME.fullmatch(value):
        raise argparse.ArgumentTypeError("1-63 letters, digits, '.', '_' or '-'")
    return value


def _user(value: str) -> str:
    if not 1 <= len(value) <= USER_ID_MAX_LENGTH or "\x00" in value:
        raise argparse.ArgumentTypeError(f"1-{USER_ID_MAX_LENGTH} characters")
    return value


def _scopes(value: str) -> list[str]:
    scopes = sorted({scope.strip() for scope in value.split(",") if scope.strip()})
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise argparse.ArgumentTypeError(f"choose from {','.join(SCOPES)}")
    return scopes


async def _create(settings: Settings, args: argparse.Namespace) -> int:
    async with _api_keys(settings) as keys:
        try:
            token, row = await keys.create(name=args.name, scopes=args.scopes, user=args.user)
        except KeyNameTaken as exc:
            print(f"chat-api: {exc.detail}", file=sys.stderr)
            return 1
    print(
        f"created key {row['name']} for user {row['user_id']} with scopes "
        f"{','.join(row['scopes'])}; the token is shown"
    )
    print("only now (the database keeps its hash):")
    print(token)  # the last line of standard output, for scripts
    return 0


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    async with _api_keys(settings) as keys:
        rows = await keys.list()
    print(f"{'name':<24} {'user':<24} {'scopes':<24} {'created':<20} {'last used':<20} revoked")
    for row in rows:
        times = [row[column] for column in ("created_at", "last_used_at", "revoked_at")]
        created, used, revoked = (f"{t:%Y-%m-%d %H:%M:%S}" if t else "-" for t in times)
        print(
            f"{row['name']:<24} {row['user_id']:<24} {','.join(row['scopes']):<24} "
            f"{created:<20} {used:<20} {revoked}"
        )
    return 0


async def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    async with _api_keys(settings) as keys:
        revoked = await keys.revoke(args.name)
    if not revoked:
        print(f"chat-api: no active key named {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked key {args.name}; every process refuses it within a second")
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    return int(asyncio.run(args.keys_command(settings, args)))


def add_keys_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    keys = commands.add_parser("keys", help="create, list or revoke API keys (AUTH_MODE=api_key)")
    actions = keys.add_subparsers(dest="keys_action", required=True)
    create = actions.add_parser("create", help="create a key; prints its token once, last")
    create.add_argument("--name", type=_name, required=True)
    create.add_argument(
        "--scopes", type=_scopes, required=True, help=f"comma-separated: {','.join(SCOPES)}"
    )
    create.add_argument(
        "--user",
        type=_user,
        default=None,
        help="the user the key acts for (default: the key's name); several keys may share one",
    )
    create.set_defaults(keys_command=_create)
    actions.add_parser("list", help="every key, never a token").set_defaults(keys_command=_list)
    revoke = actions.add_parser("revoke", help="revoke the active key of that name")
    revoke.add_argument("name", type=_name)
    revoke.set_defaults(keys_command=_revoke)
    keys.set_defaults(run=_run)
