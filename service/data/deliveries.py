"""The webhooks' delivery queue (sql/deliveries/): queuing the event log's events, claiming
due deliveries, recording attempts. Always on the primary: the queue is written as it is read."""

import asyncpg

from service.data.base import DataModule
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.deliveries import Attempted, Backlog, ClaimedDelivery

# The worker's bookkeeping commits without waiting for its WAL to reach disk: it never holds
# up the API's commits in the queue for a flush. A crash can forget its last moments: those
# events are queued, or those deliveries sent, again (at least once, as documented).
ASYNC_COMMIT = {"synchronous_commit": "off"}


class Deliveries(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.deliveries

    async def queue_events(self, *, page: int) -> tuple[int, int]:
        """Queues the log's new events (up to `page` per webhook) for every webhook no other
        process is queuing for: how many webhooks that was, and how many deliveries it made.
        Two statements in one transaction: the second one's snapshot is taken after the
        first one's row locks (see lock_webhooks.sql)."""

        async def queue(db: asyncpg.Connection) -> tuple[int, int]:
            async with db.transaction():
                rows = await self._sql.lock_webhooks(db)
                if not rows:
                    return 0, 0
                webhook_ids = [row["id"] for row in rows]
                return len(rows), int(await self._sql.queue_events(db, webhook_ids, page))

        return await self.databases.write(queue, ASYNC_COMMIT)

    async def claim(self, *, limit: int, lease_seconds: float) -> list[ClaimedDelivery]:
        rows = await self.databases.write(
            lambda db: self._sql.claim_deliveries(db, limit, lease_seconds), ASYNC_COMMIT
        )
        return [ClaimedDelivery(**dict(row)) for row in rows]

    async def record(self, attempts: list[Attempted], *, disable_after: float) -> list[int]:
        """Records attempts (of distinct lanes) and what follows from each, in one statement
        after their lanes are locked in order; the webhooks they disabled. A failure streak
        is a statement of its own, run only for a webhook whose streak the batch starts, ends,
        or may end in disabling it."""
        delivery_ids = [a.delivery.id for a in attempts]

        async def record(db: asyncpg.Connection) -> list[asyncpg.Record]:
            async with db.transaction():
                await self._sql.lock_lanes(db, delivery_ids)
                rows: list[asyncpg.Record] = await self._sql.record_attempts(
                    db,
                    delivery_ids,
                    [a.delivery.attempt for a in attempts],
                    [a.outcome.status_code for a in attempts],
                    [a.outcome.error for a in attempts],
                    [a.outcome.duration_ms for a in attempts],
                    [a.outcome.delivered for a in attempts],
                    [a.retry_in for a in attempts],
                )
            return rows

        rows = await self.databases.write(record, ASYNC_COMMIT)
        delivered = {a.delivery.webhook_id for a in attempts if a.outcome.delivered}
        disabled = []
        for row in rows:
            webhook_id, failing = row["webhook_id"], row["failing_since"] is not None
            success = webhook_id in delivered
            if success and not failing:
                continue
            streak = await self._write(self._sql.update_streak, webhook_id, success, disable_after)
            if streak is not None and streak["disabled"]:
                disabled.append(webhook_id)
        return disabled

    async def backlog(self) -> list[Backlog]:
        rows = await self._write(self._sql.webhook_backlog)
        return [Backlog(**dict(row)) for row in rows]

    async def prune(self, *, hours: int, batch: int) -> int:
        return int(await self._write(self._sql.prune_deliveries, hours, batch))
