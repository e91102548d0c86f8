"""One delivery attempt over HTTP: a signed JSON POST that counts only on a 2xx within the
time limit. Redirects are not followed, and a receiver's body is read no further than 64 KB
and kept nowhere (it could hold anything)."""

import time

import aiohttp
from aiohttp.abc import AbstractResolver

from service.domain.deliveries import AttemptOutcome, ClaimedDelivery
from service.settings import Settings
from service.webhooks.destinations import AddressRefused, GuardedResolver, refusal
from service.webhooks.signing import signature_header

BODY_READ_LIMIT = 64 * 1024
USER_AGENT = "chat-api-webhooks/1"


class Sender:
    def __init__(self, settings: Settings, resolver: AbstractResolver) -> None:
        self._timeout = settings.webhook_timeout
        self._allow_http = settings.webhook_allow_http
        self._allow_private = settings.webhook_allow_private
        # No DNS cache: every new connection resolves (and so is checked) again.
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(resolver, allow_private=self._allow_private),
            use_dns_cache=False,
            limit=settings.webhook_concurrency,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self._timeout),
            auto_decompress=False,
            skip_auto_headers=("Accept-Encoding",),
        )

    async def close(self) -> None:
        await self._session.close()

    async def send(self, delivery: ClaimedDelivery) -> AttemptOutcome:
        started = time.perf_counter()
        status, error = None, None
        try:
            status, error = await self._post(delivery)
        except AddressRefused as refused:
            error = str(refused)
        except TimeoutError:
            error = f"timed out after {self._timeout:g} s"
        except aiohttp.ClientError as failed:
            error = _describe(failed)
        return AttemptOutcome(
            status_code=status,
            error=error,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )

    async def _post(self, delivery: ClaimedDelivery) -> tuple[int | None, str | None]:
        reason = refusal(
            delivery.url, allow_http=self._allow_http, allow_private=self._allow_private
        )
        if reason is not None:
            return None, reason
        timestamp = int(time.time())
        signature = signature_header(
            delivery.secrets, event_id=delivery.event_id, timestamp=timestamp, body=delivery.body
        )
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        async with self._session.post(
            delivery.url, data=delivery.body.encode(), headers=headers, allow_redirects=False
        ) as response:
            await response.content.read(BODY_READ_LIMIT)
            if 200 <= response.status < 300:
                return response.status, None
            return response.status, f"answered {response.status}"


def _describe(failed: aiohttp.ClientError) -> str:
    """A client error in a line: what kind, and the operating system's words when it has any
    (connection refused, reset); never anything the receiver sent."""
    if isinstance(failed, aiohttp.ClientConnectorError):
        return f"could not connect: {failed.os_error.strerror or failed.os_error}"
    if isinstance(failed, aiohttp.ServerDisconnectedError):
        return "the receiver closed the connection without answering"
    if isinstance(failed, aiohttp.ClientOSError):
        return f"connection failed: {failed.strerror or type(failed).__name__}"
    return type(failed).__name__
