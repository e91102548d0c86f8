"""A webhook receiver as an integrator writes one: a real HTTP server that verifies every
delivery with the `standardwebhooks` library and records it, answering as a test tells it
(a 2xx, an error status, too late, a dropped connection, or not listening at all)."""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.live import free_port

# How the receiver answers one delivery: a status, "hang" (never in time), "drop" (closes
# the connection unanswered).
Answer = int | str


@dataclass
class Delivery:
    event_id: str
    type: str
    data: dict[str, Any]
    signatures: list[str]
    verified_with: list[str]  # which of the receiver's secrets verify it
    answer: Answer
    at: float = field(default_factory=time.monotonic)


class Receiver:
    def __init__(self, secrets: list[str] | None = None) -> None:
        self.secrets: list[str] = secrets or []
        self.deliveries: list[Delivery] = []
        # Answers for the next deliveries, in turn; then 204 for each.
        self.answers: list[Answer] = []
        self.answer_for: Callable[[Delivery], Answer | None] = lambda delivery: None
        self.port = free_port()
        self._runner: web.AppRunner | None = None
        self.arrived = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._receive)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        """Stops listening: connections are refused until start() again."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def received(self, event_type: str | None = None) -> list[Delivery]:
        """Delivered ones (answered 2xx), in arrival order."""
        return [
            d
            for d in self.deliveries
            if d.answer in range(200, 300) and event_type in (None, d.type)
        ]

    async def wait_for(self, done: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"gave up; got {self.summary()}"
            await asyncio.sleep(0.02)

    def summary(self) -> list[tuple[str, str, Answer]]:
        return [(d.event_id, d.type, d.answer) for d in self.deliveries]

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        verified = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, dict(request.headers))
            except WebhookVerificationError:
                continue
            verified.append(secret)
        payload = json.loads(body)
        delivery = Delivery(
            event_id=request.headers["webhook-id"],
            type=payload["type"],
            data=payload["data"],
            signatures=request.headers["webhook-signature"].split(" "),
            verified_with=verified,
            answer=0,
        )
        answer = self.answer_for(delivery)
        if answer is None:
            answer = self.answers.pop(0) if self.answers else 204
        delivery.answer = answer
        self.deliveries.append(delivery)
        self.arrived.set()
        if answer == "hang":
            await asyncio.sleep(3600)
        if answer == "drop":
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        return web.Response(status=int(answer), text="receiver's own words, never logged")
