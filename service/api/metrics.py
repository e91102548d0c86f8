"""GET /metrics in the Prometheus text format (per worker process)."""

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from service.api.appkeys import DATA, METRICS
from service.api.openapi.annotations import documented


@documented(
    "get_metrics",
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
    data = request.app.get(DATA)
    body = request.app[METRICS].render(data.databases.pool if data is not None else None)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
