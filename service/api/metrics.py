"""GET /metrics in the Prometheus text format (per worker process)."""

import contextlib

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from service.api.appkeys import DATA, METRICS
from service.api.openapi.annotations import documented
from service.domain.errors import DomainError


@documented(
    "get_metrics",
    tags=["health"],
    summary="Prometheus metrics of this worker process",
    description="Request counts and latencies by route, database errors, pool use, webhook "
    "deliveries. Each worker process answers for itself (the webhooks' backlog, read from "
    "the database, is the same on all).",
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(request: web.Request) -> web.Response:
    data = request.app.get(DATA)
    registry = request.app[METRICS]
    if data is not None:
        # The database away: the rest of the metrics still answer.
        with contextlib.suppress(DomainError):
            backlog = await data.deliveries.backlog()
            registry.webhooks.show_backlog({hook.id: hook.oldest_seconds for hook in backlog})
    body = registry.render(data.databases.pool if data is not None else None)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
