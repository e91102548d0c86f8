"""The PostgreSQL bus (EVENT_BUS=postgres): the one LISTEN connection of each process, on the
`chat_events` channel (fed by the triggers of migration 0004) and on `user_events` (0016): it
reconnects by itself (to whichever server DATABASE_LISTEN_URL leads to now: after a failover,
the new primary), and after a reconnect tells every subscriber to catch up from the database."""

import asyncio
import logging
from collections.abc import Callable

import asyncpg

from service.data.layer import DataLayer
from service.db.dsn import asyncpg_dsn
from service.domain.errors import DomainError
from service.live import presence
from service.live.dispatch import ChatEventDispatcher
from service.live.hub import EventHub
from service.settings import Settings

logger = logging.getLogger("chat_api.events")

CHANNEL = "chat_events"
USER_CHANNEL = "user_events"  # payload: a user id (migration 0016)
TYPING_CHANNEL = "typing_events"  # payload: "<chat_id>:<user_id>"
PRESENCE_CHANNEL = "presence_events"  # payload: "<1 or 0>:<user_id>"


def _callback(heard: Callable[[str], None]) -> Callable[..., None]:
    """asyncpg calls a listener with (connection, pid, channel, payload)."""
    return lambda *args: heard(args[-1])


RECONNECT_SECONDS = 0.25
# A listener that keeps failing (a standby, a database that is away) retries less and less
# often, and says so once rather than every time; a failover's promotion takes seconds, and
# the feeds are late until the listener is back, so the wait stays short.
RECONNECT_MAX_SECONDS = 2.0


async def listen_forever(
    settings: Settings,
    data: DataLayer,
    hub: EventHub,
    dispatcher: ChatEventDispatcher,
    relay: presence.PresenceRelay,
) -> None:
    dsn = asyncpg_dsn(settings.listen_url)
    failures = 0
    while True:
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(
                dsn,
                timeout=settings.db_connect_timeout,
                server_settings={"application_name": settings.app_name},
            )
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection, event=lost: event.set())
            for channel, heard in (
                (CHANNEL, dispatcher.notify),
                (USER_CHANNEL, hub.notify_user),
                (TYPING_CHANNEL, hub.notify_typing),
                (PRESENCE_CHANNEL, relay.notify),
            ):
                await connection.add_listener(channel, _callback(heard))
            await hub.register(data.events, await data.events.listener_pid(connection))
            if failures:
                logger.info("event listener is back after %d failed attempt(s)", failures)
            failures = 0
            await lost.wait()
        except (
            OSError,
            TimeoutError,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            DomainError,
        ) as exc:
            failures += 1
            level = logging.WARNING if failures == 1 else logging.DEBUG
            logger.log(level, "event listener lost the database (retrying quietly): %r", exc)
        finally:
            hub.lost()
            if connection is not None and not connection.is_closed():
                await connection.close()
        await asyncio.sleep(
            min(RECONNECT_SECONDS * 2 ** max(failures - 1, 0), RECONNECT_MAX_SECONDS)
        )
