"""The ceilings served over HTTP exactly like the service (`python -m bench.bare_app --workers N`
runs it through the service's own runner: uvloop, or gunicorn with aiohttp's uvloop worker):

- `GET /`: a bare handler returning a small JSON body (the HTTP ceiling);
- `GET /chats/{chat_id}` and `POST /chats/{chat_id}/messages`: the least this stack can do for
  the two paths with targets (route, one asyncpg query from the service's own sql/ files,
  answer), with none of the service's validation, errors, request ids, metrics or fair
  queueing (the stack ceiling).
"""

import argparse
import json
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web

from service.data.sql import load_queries
from service.db.dsn import asyncpg_dsn
from service.ops.server import serve
from service.settings import Settings, load_settings

POOL = web.AppKey("pool", asyncpg.Pool)
QUERIES = load_queries()
LATEST = 20
POOL_SIZE = 10  # the service's DB_POOL_MAX_SIZE default


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def open_chat(request: web.Request) -> web.Response:
    chat_id = int(request.match_info["chat_id"])
    document = await QUERIES.chats.get_chat_with_messages(
        request.app[POOL], chat_id, LATEST, None, False, False
    )
    return web.Response(body=document.encode(), content_type="application/json")


async def post_message(request: web.Request) -> web.Response:
    text = json.loads(await request.read())["text"]
    chat_id = int(request.match_info["chat_id"])
    row = await QUERIES.messages.create_message(
        request.app[POOL], chat_id, text, None, None, False, None, []
    )
    message = {**row, "created_at": row["created_at"].isoformat()}
    return web.json_response(message, status=201)


async def _no_reset(connection: asyncpg.Connection) -> None:
    """No reset round trip on release, as in the service."""


def create_app(settings: Settings) -> web.Application:
    async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
        async with asyncpg.create_pool(
            asyncpg_dsn(settings.database_url),
            min_size=POOL_SIZE,
            max_size=POOL_SIZE,
            reset=_no_reset,
        ) as pool:
            app[POOL] = pool
            yield

    app = web.Application()
    app.router.add_get("/", ok)
    app.router.add_get("/chats/{chat_id}", open_chat)
    app.router.add_post("/chats/{chat_id}/messages", post_message)
    app.cleanup_ctx.append(pool_ctx)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--workers", type=int, default=1)
    serve(load_settings(), parser.parse_args().workers, create_app)


if __name__ == "__main__":
    main()
