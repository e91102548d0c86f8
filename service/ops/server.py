"""Running the app: one process on uvloop, or N worker processes on one port via gunicorn.

Both stop gracefully on SIGTERM: no new connections, in-flight requests get SHUTDOWN_TIMEOUT
seconds to finish, the pool closes, the process exits 0.
"""

import ipaddress
import logging
import math
from collections.abc import Callable
from typing import Any

from aiohttp import web
from gunicorn.app.base import BaseApplication

from service.app import create_app
from service.settings import Settings

logger = logging.getLogger("chat_api.server")

# What the runners serve: the service, or (bench/bare_app.py) its bare ceiling, served the same.
AppFactory = Callable[[Settings], web.Application]

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop has no Windows build
    uvloop = None  # type: ignore[assignment]


def banner(settings: Settings) -> str:
    base = f"http://{settings.host}:{settings.port}"
    return f"serving the API on {base} (docs: {base}/docs); Ctrl+C stops it"


def warn_if_open(settings: Settings) -> None:
    """One WARNING when anyone who can reach the port could use the API unauthenticated."""
    if settings.auth_mode != "none":
        return
    try:
        loopback = ipaddress.ip_address(settings.host).is_loopback
    except ValueError:
        loopback = settings.host == "localhost"
    if not loopback:
        logger.warning(
            "AUTH_MODE=none on %s: anyone who can reach this port can read, post and delete "
            "everything; set AUTH_MODE=api_key or jwt (docs/security.md)",
            settings.host,
        )


def _serve_single(settings: Settings, factory: AppFactory) -> None:
    warn_if_open(settings)
    loop = uvloop.new_event_loop() if uvloop is not None else None
    web.run_app(
        factory(settings),
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        access_log=None,  # the access middleware writes the access line
        loop=loop,
        # Called once the port is bound; aiohttp's own banner says less than this one.
        print=lambda _message: logger.info("%s", banner(settings)),
    )


class _GunicornServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, workers: int, factory: AppFactory) -> None:
        self._settings = settings
        self._workers = workers
        self._factory = factory
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": f"{self._settings.host}:{self._settings.port}",
            "workers": self._workers,
            "worker_class": "aiohttp.GunicornUVLoopWebWorker"
            if uvloop is not None
            else "aiohttp.GunicornWebWorker",
            "graceful_timeout": math.ceil(self._settings.shutdown_timeout),
            "control_socket_disable": True,
            "accesslog": None,
            "proc_name": "chat-api",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> web.Application:
        # Runs in each worker after the fork: every worker has its own pool and event loop.
        return self._factory(self._settings)


def _serve_workers(settings: Settings, workers: int, factory: AppFactory) -> None:
    warn_if_open(settings)
    logger.info("%s (%d workers)", banner(settings), workers)
    _GunicornServer(settings, workers, factory).run()


def serve(settings: Settings, workers: int, factory: AppFactory = create_app) -> None:
    """One process on uvloop, or `workers` processes behind gunicorn."""
    if workers == 1:
        _serve_single(settings, factory)
    else:
        _serve_workers(settings, workers, factory)
