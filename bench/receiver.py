"""A webhook receiver for the benchmark: answers every POST 204 at once and notes when each
message arrived (its data's id). Run alone it serves until stopped:

    python -m bench.receiver 8123
"""

import asyncio
import json
import sys
import time

from aiohttp import web


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}  # message id: when its delivery came
        self.deliveries = 0

    async def _receive(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.deliveries += 1
        if body["type"] == "message":
            self.arrived.setdefault(body["data"]["id"], time.perf_counter())
        return web.Response(status=204)

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/hook", self._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


async def _serve(port: int) -> None:
    await Receiver().start(port)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))
