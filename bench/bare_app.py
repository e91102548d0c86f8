"""The HTTP ceiling: a bare aiohttp handler returning a small JSON body, served exactly like
the service (gunicorn, aiohttp's uvloop worker, the same number of workers)."""

from aiohttp import web


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", ok)
    return app
