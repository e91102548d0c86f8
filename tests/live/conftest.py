from collections.abc import AsyncIterator

import pytest

from tests.support.receiver import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A webhook receiver (tests/support/receiver.py), listening."""
    receiver = Receiver()
    await receiver.start()
    yield receiver
    await receiver.stop()
