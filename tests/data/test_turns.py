"""Turns at the pool: arrival order, a bounded wait, and no turn lost to a cancelled waiter."""

import asyncio

import pytest

from service.db.turns import NoTurn, Turns


async def test_turns_are_served_in_arrival_order() -> None:
    turns = Turns(1, timeout=5)
    await turns.take()
    served: list[int] = []

    async def wait(number: int) -> None:
        await turns.take()
        served.append(number)
        turns.release()

    waiters = []
    for number in range(5):
        waiters.append(asyncio.create_task(wait(number)))
        await asyncio.sleep(0)  # each starts waiting before the next arrives
    turns.release()
    await asyncio.gather(*waiters)
    assert served == [0, 1, 2, 3, 4]


async def test_free_turns_are_taken_without_waiting_up_to_the_count() -> None:
    turns = Turns(3, timeout=0.05)
    for _ in range(3):
        await asyncio.wait_for(turns.take(), timeout=0.01)
    with pytest.raises(NoTurn):
        await turns.take()


async def test_a_wait_ends_after_the_timeout_and_later_waiters_still_get_turns() -> None:
    turns = Turns(1, timeout=0.1)
    await turns.take()
    loop = asyncio.get_running_loop()
    started = loop.time()
    first = asyncio.create_task(turns.take())
    await asyncio.sleep(0.05)
    second = asyncio.create_task(turns.take())
    with pytest.raises(NoTurn):
        await first
    assert 0.09 <= loop.time() - started < 0.5
    assert not second.done(), "a later waiter keeps its own deadline"
    turns.release()
    await asyncio.wait_for(second, timeout=1)


async def test_a_cancelled_waiter_does_not_keep_a_turn() -> None:
    turns = Turns(1, timeout=5)
    await turns.take()
    cancelled = asyncio.create_task(turns.take())
    behind = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    cancelled.cancel()
    turns.release()
    await asyncio.wait_for(behind, timeout=1)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    turns.release()
    await asyncio.wait_for(turns.take(), timeout=0.01)


async def test_a_turn_handed_over_as_its_waiter_is_cancelled_is_given_back() -> None:
    turns = Turns(1, timeout=5)
    await turns.take()
    waiter = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    turns.release()  # the turn is the waiter's now...
    waiter.cancel()  # ...but it is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await asyncio.wait_for(turns.take(), timeout=0.01)
