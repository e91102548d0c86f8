"""GET /metrics in the Prometheus text format (per worker process)."""

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from service.appkeys import METRICS, STORE
from service.openapi import documented
from service.routing import add_route


@documented(
    "get_metrics",
    scope="metrics",
    tags=["health"],
    summary="Prometheus metrics of this worker process",
    description="Request counts and latencies by route, database errors, pool use. Each worker "
    "process answers for itself.",
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(request: web.Request) -> web.Response:
    store = request.app.get(STORE)
    body = request.app[METRICS].render(store.databases.pool if store is not None else None)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "GET", "/metrics", metrics)
