"""Read replicas: which are usable (reachable, and no more than DATABASE_REPLICA_MAX_LAG
seconds behind), how far each has replayed, and which one a read may use."""

import asyncio
import itertools
import logging
from dataclasses import dataclass
from typing import Literal

import asyncpg

from service.db.gate import Gate
from service.db.queries import Query, QueryFolder
from service.domain.errors import DomainError

logger = logging.getLogger("chat_api.replicas")

PROBE_SECONDS = 0.5

ReplicaState = Literal["ok", "lagging", "unavailable"]


class ReplicationQueries(QueryFolder, folder="replication"):
    current_wal_position: Query
    replica_state: Query


@dataclass(slots=True)
class Replica:
    name: str
    gate: Gate
    state: ReplicaState = "unavailable"
    lag_seconds: float | None = None
    replayed: int = 0  # WAL position, bytes

    def serves(self, required: int) -> bool:
        return self.state == "ok" and self.replayed >= required


class ReplicaSet:
    def __init__(
        self,
        replicas: list[Replica],
        queries: ReplicationQueries,
        *,
        max_lag: float,
        probe_timeout: float,
    ) -> None:
        self.replicas = replicas
        self._replication = queries
        self._max_lag = max_lag
        self._probe_timeout = probe_timeout
        self._next = itertools.cycle(range(len(replicas)))

    def choose(self, required: int, *, any_reachable: bool = False) -> Replica | None:
        """The next replica (round robin) that has replayed `required`; with any_reachable
        (the primary is down), the next one that answers at all."""
        for _ in self.replicas:
            replica = self.replicas[next(self._next)]
            if replica.serves(required) or (any_reachable and replica.state != "unavailable"):
                return replica
        return None

    def mark_unavailable(self, replica: Replica) -> None:
        if replica.state != "unavailable":
            logger.warning("%s stopped answering; reads go elsewhere", replica.name)
        replica.state = "unavailable"

    async def probe(self, replica: Replica) -> None:
        try:
            async with asyncio.timeout(self._probe_timeout):
                row = await replica.gate.run(self._replication.replica_state)
        except (DomainError, TimeoutError, asyncpg.PostgresError) as exc:
            if replica.state != "unavailable":
                logger.warning("%s is not usable: %r", replica.name, exc)
            replica.state, replica.lag_seconds = "unavailable", None
            return
        lag = float(row["lag_seconds"])
        state: ReplicaState = "ok" if lag <= self._max_lag else "lagging"
        if state != replica.state:
            logger.info("%s is %s (lag %.1f s)", replica.name, state, lag)
        replica.state, replica.lag_seconds, replica.replayed = state, lag, row["replayed"]

    async def probe_all(self) -> None:
        await asyncio.gather(*(self.probe(replica) for replica in self.replicas))

    async def monitor(self) -> None:
        """Runs for the life of the process."""
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            await self.probe_all()
