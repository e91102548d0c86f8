"""The delivering worker of one process: queues the event log's new events for the webhooks,
claims due deliveries (FOR UPDATE SKIP LOCKED, so processes never take the same one), sends
them concurrently, and records each attempt. Nothing on a request's path waits for it."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
from aiohttp.abc import AbstractResolver

from service.data.layer import DataLayer
from service.domain.deliveries import Attempted, AttemptOutcome, ClaimedDelivery
from service.domain.errors import DomainError
from service.settings import Settings
from service.telemetry.metrics import WebhookMetrics
from service.webhooks.schedule import retry_in
from service.webhooks.sender import Sender

logger = logging.getLogger("chat_api.webhooks")

# How often the log and the queue are looked at when there was nothing to do: a delivery
# starts at most this long after its event commits.
POLL_SECONDS = 0.05
# With no enabled webhook (none this process could take): a look a second. A webhook made
# meanwhile loses nothing (its cursor starts at its creation); its first events wait for it.
IDLE_POLL_SECONDS = 1.0
# The most events queued per webhook in one statement: a backlog after an outage is caught up
# in pages, each well inside the statement timeout.
QUEUE_PAGE = 1000
# After the database failed to answer: wait this long before trying again.
RETRY_SECONDS = 1.0
# A claim outlives the attempt's time limit by this much: the margin to record the outcome.
LEASE_MARGIN_SECONDS = 5.0
# A stopping process lets attempts under way finish (and be recorded) for this long.
STOP_SECONDS = 5.0
# While requests wait for a database connection (this process's API is saturated), the worker
# runs at most one round (queue, claim, send) this often: deliveries are background work and
# yield the CPU and the connections to requests, then catch up. Nothing is lost: the events
# wait in the log, the deliveries in their lanes.
BUSY_ROUND_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Schedule:
    """The WEBHOOK_* settings the worker needs."""

    concurrency: int
    lease_seconds: float
    retry_scale: float
    disable_after: float

    @classmethod
    def of(cls, settings: Settings) -> "Schedule":
        return cls(
            concurrency=settings.webhook_concurrency,
            lease_seconds=settings.webhook_timeout + LEASE_MARGIN_SECONDS,
            retry_scale=settings.webhook_retry_scale,
            disable_after=settings.webhook_disable_after_seconds,
        )


class DeliveryWorker:
    def __init__(
        self, data: DataLayer, sender: Sender, schedule: Schedule, metrics: WebhookMetrics
    ) -> None:
        self._deliveries = data.deliveries
        self._turns = data.databases.primary.turns
        self._busy_round_at = 0.0
        self._sender = sender
        self._schedule = schedule
        self._metrics = metrics
        self._attempts: set[asyncio.Task[None]] = set()
        # Attempts made and not yet recorded: recorded together, one statement a batch.
        self._unrecorded: list[Attempted] = []
        self._made = asyncio.Event()
        # Set when attempts are recorded: the next events of their chats may be claimed.
        self._recorded = asyncio.Event()

    async def work_forever(self) -> None:
        while True:
            if self._yielding():
                await asyncio.sleep(POLL_SECONDS)
                continue
            try:
                webhooks, queued = await self._deliveries.queue_events(page=QUEUE_PAGE)
                free = self._schedule.concurrency - len(self._attempts)
                claimed = []
                if free > 0:
                    claimed = await self._deliveries.claim(
                        limit=free, lease_seconds=self._schedule.lease_seconds
                    )
            except DomainError as exc:  # the database is away: nothing is lost, only late
                logger.warning("webhook queue not read: %s", exc)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            except Exception:  # a bug must not stop every webhook of this process for good
                logger.exception("webhook queue not read")
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for delivery in claimed:
                task = asyncio.create_task(self._attempt(delivery))
                self._attempts.add(task)
                task.add_done_callback(self._attempts.discard)
            # More may be waiting: a full page queued, or as many claimed as there was room for.
            if queued < QUEUE_PAGE and not 0 < free == len(claimed):
                idle = not webhooks and not claimed and not self._attempts
                # asyncio.timeout, not wait_for: in Python 3.11 wait_for can swallow a
                # cancellation that meets the event, and the loop then outlives its app.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(IDLE_POLL_SECONDS if idle else POLL_SECONDS):
                        await self._recorded.wait()
                self._recorded.clear()

    def _yielding(self) -> bool:
        """Whether to let this round pass: requests wait for the database, and a round ran
        less than BUSY_ROUND_SECONDS ago."""
        if not self._turns.waiting:
            return False
        now = asyncio.get_running_loop().time()
        if now - self._busy_round_at < BUSY_ROUND_SECONDS:
            return True
        self._busy_round_at = now
        return False

    async def record_forever(self) -> None:
        """Records the attempts made, a batch at a time: those made while a batch is being
        recorded form the next one."""
        while True:
            await self._made.wait()
            self._made.clear()
            await self._record()

    async def finish(self) -> None:
        """Lets the attempts under way end and be recorded (or, after STOP_SECONDS, cancels
        them: their leases run out and another process tries them again)."""
        if self._attempts:
            _, unfinished = await asyncio.wait(self._attempts, timeout=STOP_SECONDS)
            for task in unfinished:
                task.cancel()
        await self._record()

    async def _attempt(self, delivery: ClaimedDelivery) -> None:
        outcome = await self._sender.send(delivery)
        retry = None
        if not outcome.delivered:
            retry = retry_in(delivery.attempt, scale=self._schedule.retry_scale)
        self._count(outcome, retry)
        self._unrecorded.append(Attempted(delivery, outcome, retry))
        self._made.set()

    async def _record(self) -> None:
        batch, self._unrecorded = self._unrecorded, []
        if not batch:
            return
        try:
            disabled = await self._record_batch(batch)
        except Exception:  # their leases run out and the deliveries are tried again
            logger.exception("%d webhook attempts not recorded", len(batch))
            return
        finally:
            self._recorded.set()
        for webhook_id in disabled:
            logger.warning(
                "webhook %s disabled: every attempt has failed for %g s",
                webhook_id,
                self._schedule.disable_after,
            )

    async def _record_batch(self, batch: list[Attempted]) -> list[int]:
        """Records a batch; once again when PostgreSQL cancelled it to end a deadlock (with a
        webhook's deletion, whose cascade takes the same rows in another order)."""
        try:
            return await self._deliveries.record(batch, disable_after=self._schedule.disable_after)
        except asyncpg.DeadlockDetectedError:
            return await self._deliveries.record(batch, disable_after=self._schedule.disable_after)

    def _count(self, outcome: AttemptOutcome, retry: float | None) -> None:
        result = "retrying" if retry is not None else "failed"
        if outcome.delivered:
            result = "delivered"
        self._metrics.deliveries.labels(result).inc()
        self._metrics.attempt_seconds.observe(outcome.duration_ms / 1000)


@contextlib.asynccontextmanager
async def delivering(
    settings: Settings, data: DataLayer, resolver: AbstractResolver, metrics: WebhookMetrics
) -> AsyncIterator[None]:
    """Runs this process's worker while the app runs (unless WEBHOOK_DELIVER=false)."""
    if not settings.webhook_deliver:
        yield
        return
    sender = Sender(settings, resolver)
    worker = DeliveryWorker(data, sender, Schedule.of(settings), metrics)
    tasks = [
        asyncio.create_task(worker.work_forever()),
        asyncio.create_task(worker.record_forever()),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await worker.finish()
        await sender.close()
