"""Where each database turn goes: writes to the primary; reads to a read replica that has
replayed what this client wrote (else the primary); reads to a replica when the primary is
down. Without replicas, everything goes to the primary."""

import logging
from collections.abc import Awaitable, Mapping
from typing import TypeVar

import asyncpg

from service.db import consistency
from service.db.gate import NONE, UNAVAILABLE_ERRORS, Call, Gate
from service.db.queries import Query, QueryFolder
from service.db.replicas import ReplicaSet, ReplicationQueries
from service.domain.errors import DatabaseUnavailable

logger = logging.getLogger("chat_api.database")

T = TypeVar("T")


class HealthQueries(QueryFolder, folder="health"):
    database_state: Query
    ping: Query


class Databases:
    def __init__(
        self,
        primary: Gate,
        replicas: ReplicaSet | None,
        *,
        health: HealthQueries,
        replication: ReplicationQueries,
    ) -> None:
        self.primary = primary
        self.replicas = replicas
        self._health = health
        self._replication = replication

    @property
    def pool(self) -> asyncpg.Pool:
        """The primary's pool (its size is what /metrics reports)."""
        return self.primary.pool

    def write(self, call: Call[T], settings: Mapping[str, str] = NONE) -> Awaitable[T]:
        """On the primary; with replicas, also notes the WAL position the write reached."""
        if self.replicas is None:
            return self.primary.run(call, settings)
        return self._write_noting_position(call, settings)

    async def _write_noting_position(self, call: Call[T], settings: Mapping[str, str]) -> T:
        async with self.primary.connection() as connection:
            result = await self.primary.run_on(connection, call, settings)
            state = consistency.current.get()
            if state is not None:
                state.written = await self._position_after_write(connection)
        return result

    async def _position_after_write(self, connection: asyncpg.Connection) -> int:
        """The primary's WAL position, read after the commit, so a replica at this position
        has the write. The write has succeeded whatever happens here: a failure to read it
        costs the client its token (a 503 would make it retry a write that happened)."""
        try:
            return int(
                await self.primary.run_on(connection, self._replication.current_wal_position)
            )
        except (asyncpg.PostgresError, *UNAVAILABLE_ERRORS) as exc:
            logger.warning("no WAL position after a write: %r", exc)
            return 0

    def read(self, call: Call[T], settings: Mapping[str, str] = NONE) -> Awaitable[T]:
        """Without replicas, the primary's own awaitable (no coroutine of ours around it)."""
        state = consistency.current.get()
        if state is None or self.replicas is None:
            return self.primary.run(call, settings)
        return self._read_with_replicas(self.replicas, call, settings, state.required)

    async def _read_with_replicas(
        self, replicas: ReplicaSet, call: Call[T], settings: Mapping[str, str], required: int
    ) -> T:
        replica = replicas.choose(required)
        if replica is not None:
            try:
                return await replica.gate.run(call, settings)
            except DatabaseUnavailable:
                replicas.mark_unavailable(replica)
        try:
            return await self.primary.run(call, settings)
        except DatabaseUnavailable:
            # Degraded: the primary is down, so a replica answers even if it has not replayed
            # this client's last write (an older answer beats none).
            fallback = replicas.choose(0, any_reachable=True)
            if fallback is None:
                raise
            return await fallback.gate.run(call, settings)

    async def ping(self) -> None:
        """Proves the primary answers (start-up)."""
        await self.primary.run(self._health.ping)

    async def primary_read_only(self) -> bool:
        """Whether DATABASE_URL leads to a server that refuses writes (DatabaseUnavailable when
        it cannot be reached)."""
        row = await self.primary.run(self._health.database_state)
        return bool(row["read_only"])
