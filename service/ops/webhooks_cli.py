"""`chat-api webhooks list|retry|disable|deliver`: the webhooks' queues, for operators, and a
process that only delivers."""

import argparse
import asyncio
import logging
import signal
import sys

from aiohttp import ThreadedResolver
from prometheus_client import CollectorRegistry

from service.domain.webhooks import WebhookNotFound
from service.ops.commands import command_data
from service.settings import Settings
from service.telemetry.metrics import WebhookMetrics
from service.webhooks.worker import delivering

logger = logging.getLogger("chat_api.webhooks")


def _webhook_id(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) < 2**63:
        raise argparse.ArgumentTypeError("a webhook id (a positive whole number)")
    return int(value)


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    async with command_data(settings) as data:
        backlog = await data.deliveries.backlog()
    print(f"{'id':>6} {'state':<9} {'pending':>8} {'oldest':>10}  {'failing since':<20} url")
    for hook in backlog:
        state = "enabled" if hook.enabled else "disabled"
        oldest = f"{hook.oldest_seconds:.1f}s" if hook.oldest_seconds is not None else "-"
        failing = f"{hook.failing_since:%Y-%m-%d %H:%M:%S}" if hook.failing_since else "-"
        print(f"{hook.id:>6} {state:<9} {hook.pending:>8} {oldest:>10}  {failing:<20} {hook.url}")
        if hook.disabled_reason:
            print(f"{'':>6} ({hook.disabled_reason})")
    return 0


async def _retry(settings: Settings, args: argparse.Namespace) -> int:
    async with command_data(settings) as data:
        try:
            count = await data.webhooks.retry_failed(args.webhook_id)
        except WebhookNotFound as exc:
            print(f"chat-api: {exc.detail}", file=sys.stderr)
            return 1
    print(f"webhook {args.webhook_id} enabled; {count} failed deliveries due again")
    return 0


async def _disable(settings: Settings, args: argparse.Namespace) -> int:
    async with command_data(settings) as data:
        try:
            await data.webhooks.disable(args.webhook_id, reason="disabled by an operator")
        except WebhookNotFound as exc:
            print(f"chat-api: {exc.detail}", file=sys.stderr)
            return 1
    print(f"webhook {args.webhook_id} disabled; its queue waits (chat-api webhooks retry)")
    return 0


async def _deliver(settings: Settings, args: argparse.Namespace) -> int:
    """Delivers until SIGTERM or SIGINT, beside any number of serve and deliver processes:
    for running delivery apart from the API (serve with WEBHOOK_DELIVER=false), on other
    machines or at a lower CPU priority (nice), so deliveries never take the API's CPU."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    resolver = ThreadedResolver()
    metrics = WebhookMetrics(CollectorRegistry())
    settings = settings.model_copy(update={"webhook_deliver": True})
    try:
        async with command_data(settings) as data, delivering(settings, data, resolver, metrics):
            logger.info("delivering webhooks; SIGTERM stops")
            await stop.wait()
    finally:
        await resolver.close()
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    return int(asyncio.run(args.webhooks_command(settings, args)))


def add_webhooks_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    webhooks = commands.add_parser(
        "webhooks", help="the webhooks' queues: list, retry, disable; or deliver them"
    )
    actions = webhooks.add_subparsers(dest="webhooks_action", required=True)
    actions.add_parser(
        "list", help="each webhook: enabled or not, pending deliveries, the oldest one's age"
    ).set_defaults(webhooks_command=_list)
    retry = actions.add_parser(
        "retry", help="enable the webhook and make its failed deliveries due again"
    )
    retry.add_argument("webhook_id", type=_webhook_id)
    retry.set_defaults(webhooks_command=_retry)
    disable = actions.add_parser("disable", help="stop delivering to it (its queue waits)")
    disable.add_argument("webhook_id", type=_webhook_id)
    disable.set_defaults(webhooks_command=_disable)
    actions.add_parser(
        "deliver", help="only deliver (no API), until SIGTERM: beside serve processes"
    ).set_defaults(webhooks_command=_deliver)
    webhooks.set_defaults(run=_run)
