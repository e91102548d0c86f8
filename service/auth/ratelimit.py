"""Rate limits with the `limits` library: a read and a write budget per credential (or per
client address when authentication is off), in memory or shared through Redis. When Redis
cannot answer, requests go through (fail open): the API stays up, the log and the metrics say
so."""

import ipaddress
import logging
import math
import time
from collections.abc import Callable

from aiohttp import hdrs, web
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

from service.auth.principal import Principal
from service.domain.errors import RateLimited
from service.settings import Settings

logger = logging.getLogger("chat_api.ratelimit")

READ_METHODS = frozenset({hdrs.METH_GET, hdrs.METH_HEAD})
# After Redis fails, this long without asking it again (every request would wait otherwise).
STORAGE_PAUSE_SECONDS = 1.0
STORAGE_TIMEOUT_SECONDS = 0.25


def _storage(url: str) -> Storage:
    if url.startswith("memory://"):
        return storage_from_string("async+memory://")  # type: ignore[return-value]
    return storage_from_string(  # type: ignore[return-value]
        f"async+{url}",
        implementation="redispy",
        socket_timeout=STORAGE_TIMEOUT_SECONDS,
        socket_connect_timeout=STORAGE_TIMEOUT_SECONDS,
    )


class RateLimits:
    def __init__(self, settings: Settings, *, on_storage_error: Callable[[], None]) -> None:
        self._limiter = FixedWindowRateLimiter(_storage(settings.rate_limit_storage))
        self._read = parse(settings.rate_limit_read) if settings.rate_limit_read else None
        self._write = parse(settings.rate_limit_write) if settings.rate_limit_write else None
        self._proxies = [
            ipaddress.ip_network(net, strict=False) for net in settings.trusted_proxies
        ]
        self._paused_until = 0.0
        self._on_storage_error = on_storage_error

    def _client_address(self, request: web.Request) -> str:
        """The peer, or with a trusted proxy in front the first address in X-Forwarded-For
        (read from the right) that is not one of those proxies."""
        peer = request.remote or "unknown"
        if not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if not self._trusted(hop):
                return hop
        return peer

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._proxies)

    async def check(self, request: web.Request, principal: Principal | None) -> dict[str, str]:
        """The RateLimit-* headers for this request; RateLimited when over budget."""
        item = self._read if request.method in READ_METHODS else self._write
        if item is None or time.monotonic() < self._paused_until:
            return {}
        who = f"key:{principal.name}" if principal else f"ip:{self._client_address(request)}"
        kind = "read" if item is self._read else "write"
        try:
            allowed = await self._limiter.hit(item, kind, who)
            stats = await self._limiter.get_window_stats(item, kind, who)
        except Exception as exc:  # any storage failure: fail open
            self._paused_until = time.monotonic() + STORAGE_PAUSE_SECONDS
            self._on_storage_error()
            logger.warning("rate limit storage unavailable, not limiting: %r", exc)
            return {}
        headers = _headers(item, stats.remaining, stats.reset_time)
        if not allowed:
            raise RateLimited({**headers, "Retry-After": headers["RateLimit-Reset"]})
        return headers


def _headers(item: RateLimitItem, remaining: int, reset_time: float) -> dict[str, str]:
    reset = max(1, math.ceil(reset_time - time.time()))
    return {
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": str(max(0, remaining)),
        "RateLimit-Reset": str(reset),
    }


def rate_limited(settings: Settings) -> bool:
    return settings.rate_limit_read is not None or settings.rate_limit_write is not None
