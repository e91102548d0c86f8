"""Turns at a pool's connections, handed out in arrival order, each wait bounded in time."""

import asyncio
from collections import deque

# A timer may fire a little before its deadline (the loop rounds to its clock's resolution);
# a waiter this close to its deadline has waited long enough.
_EARLY_S = 0.001


class NoTurn(Exception):
    """No turn came free within the wait limit."""


class Turns:
    """A first-in, first-out counting semaphore whose waits end after `timeout` seconds.

    asyncpg's pool hands a released connection to whoever asks next, so under load a request
    can be passed over again and again (p99 in the hundreds of ms); taking a turn here first
    serves requests in arrival order. Every wait has the same limit and waits start in order,
    so the oldest waiter always expires first: one timer watches it, where a timer per wait
    (asyncio.timeout) cost more CPU than the rest of the queueing under load.
    """

    def __init__(self, count: int, timeout: float) -> None:
        self._free = count
        self._timeout = timeout
        self._waiters: deque[tuple[float, asyncio.Future[None]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        """How many callers wait for a turn now (none: the pool keeps up)."""
        return len(self._waiters)

    def try_take(self) -> bool:
        """Takes a free turn if nobody waits for one (no coroutine: the common case)."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        """Returns once a turn is this caller's; raises NoTurn after `timeout` seconds."""
        if self.try_take():
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        deadline = loop.time() + self._timeout
        self._waiters.append((deadline, waiter))
        if self._timer is None:
            self._timer = loop.call_at(deadline, self._expire)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a turn in the same moment the caller was cancelled
            raise

    def release(self) -> None:
        """Hands the turn to the oldest live waiter, or frees it."""
        while self._waiters:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1

    def _expire(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time() + _EARLY_S
        while self._waiters and self._waiters[0][0] <= now:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(NoTurn())
        self._timer = loop.call_at(self._waiters[0][0], self._expire) if self._waiters else None
