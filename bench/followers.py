"""Live clients for the benchmark, in a process of their own: one Server-Sent Events stream per
chat of a range (chat feeds) or per bearer token in a file (user feeds), each read until the
process is stopped. Prints "ready" once every stream has answered 200; stopped by SIGTERM, it
prints how many message frames came and how late (from the message's created_at), so a bus
that falls behind cannot pass for one that keeps up: "heard <frames> <p50 ms> <p99 ms>".

    python -m bench.followers http://127.0.0.1:8000 --chats 2 1001
    python -m bench.followers http://127.0.0.1:8000 --tokens tokens.txt
"""

import argparse
import asyncio
import resource
import signal
import statistics
import time
from datetime import datetime
from pathlib import Path

import aiohttp

OPENING_AT_ONCE = 16
CREATED_AT = b'"created_at": "'
RETRIES = 10  # a connect storm can find the pool busy (503): try again, as clients do


class Streams:
    """Opens every stream (a few at a time), says when all have answered, then reads them."""

    def __init__(self, http: aiohttp.ClientSession, streams: list[tuple[str, str]]) -> None:
        self._http, self._streams = http, streams
        self._opening = asyncio.Semaphore(OPENING_AT_ONCE)
        self._answered = 0
        self.all_answered = asyncio.Event()
        self.frames = 0
        self.lags_ms: list[float] = []

    async def _follow(self, path: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for _ in range(RETRIES):
            async with self._opening:
                response = await self._http.get(path, headers=headers)
            if response.status != 503:
                break
            response.release()
            await asyncio.sleep(0.5)
        try:
            response.raise_for_status()
            self._answered += 1
            if self._answered == len(self._streams):
                self.all_answered.set()
            async for chunk in response.content.iter_any():
                self._heard(chunk)
        finally:
            response.release()

    def _heard(self, chunk: bytes) -> None:
        """What a read of a stream brought (whole frames, as the service writes each at once):
        its message frames counted, and how long after its message the last one came (one
        clock: all local). Kept cheap: these clients share the cores with what they measure."""
        frames = chunk.count(b"event: message\n")
        if not frames:
            return
        self.frames += frames
        start = chunk.rfind(CREATED_AT) + len(CREATED_AT)
        if start >= len(CREATED_AT):
            created = datetime.fromisoformat(chunk[start : chunk.index(b'"', start)].decode())
            self.lags_ms.append((time.time() - created.timestamp()) * 1000)

    def summary(self) -> str:
        lags = sorted(self.lags_ms) or [0.0]
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        return f"heard {self.frames} {statistics.median(lags):.1f} {p99:.1f}"

    async def read(self) -> None:
        await asyncio.gather(*(self._follow(path, token) for path, token in self._streams))


async def follow(base: str, streams: list[tuple[str, str]]) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        following = Streams(http, streams)
        stopped = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
        reading = asyncio.create_task(following.read())
        await asyncio.wait(
            [reading, asyncio.create_task(following.all_answered.wait())],
            return_when=asyncio.FIRST_COMPLETED,
        )
        if reading.done():
            reading.result()  # a stream refused: say why
        print("ready", flush=True)
        await asyncio.wait(
            [reading, asyncio.create_task(stopped.wait())], return_when=asyncio.FIRST_COMPLETED
        )
        if reading.done():
            reading.result()
        print(following.summary(), flush=True)
        reading.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.followers", description=__doc__)
    parser.add_argument("base")
    parser.add_argument("--chats", nargs=2, type=int, metavar=("FIRST", "LAST"))
    parser.add_argument("--tokens", type=Path)
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.tokens is not None:
        tokens = args.tokens.read_text().split()
        streams = [("/me/events", token) for token in tokens]
    else:
        first, last = args.chats
        streams = [(f"/chats/{chat}/events", "") for chat in range(first, last + 1)]
    asyncio.run(follow(args.base, streams))


if __name__ == "__main__":
    main()
