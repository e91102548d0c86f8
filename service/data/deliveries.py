"""The webhooks' delivery queue (sql/deliveries/): queuing the event log's events, claiming
due deliveries, recording attempts. Always on the primary: the queue is written as it is read."""

import asyncpg

from service.data.base import DataModule
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.deliveries import AttemptOutcome, Backlog, ClaimedDelivery


class Deliveries(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.deliveries

    async def queue_events(self) -> int:
        """Queues the log's new events for every webhook no other process is queuing for; how
        many deliveries that made. Two statements in one transaction: the second one's
        snapshot is taken after the first one's row locks (see lock_webhooks.sql)."""

        async def queue(db: asyncpg.Connection) -> int:
            async with db.transaction():
                rows = await self._sql.lock_webhooks(db)
                if not rows:
                    return 0
                return int(await self._sql.queue_events(db, [row["id"] for row in rows]))

        return await self.databases.write(queue)

    async def claim(self, *, limit: int, lease_seconds: float) -> list[ClaimedDelivery]:
        rows = await self._write(self._sql.claim_deliveries, limit, lease_seconds)
        return [ClaimedDelivery(**dict(row)) for row in rows]

    async def record(
        self,
        delivery: ClaimedDelivery,
        outcome: AttemptOutcome,
        *,
        retry_in: float | None,
        disable_after: float,
    ) -> bool:
        """Records the attempt and what follows; whether it disabled the webhook."""
        row = await self._write(
            self._sql.record_attempt,
            delivery.id,
            delivery.attempt,
            outcome.status_code,
            outcome.error,
            outcome.duration_ms,
            outcome.delivered,
            retry_in,
            disable_after,
        )
        return bool(row["disabled"])

    async def backlog(self) -> list[Backlog]:
        rows = await self._write(self._sql.webhook_backlog)
        return [Backlog(**dict(row)) for row in rows]

    async def prune(self, *, hours: int, batch: int) -> int:
        return int(await self._write(self._sql.prune_deliveries, hours, batch))
