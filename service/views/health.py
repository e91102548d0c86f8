"""Liveness, database readiness and version."""

import asyncio
import logging
from importlib.metadata import version

from aiohttp import web

from service.appkeys import SETTINGS, STORE
from service.errors import DatabaseUnavailable
from service.models import ErrorBody, HealthStatus, VersionInfo
from service.openapi import documented, json_content
from service.responses import json_response
from service.routing import add_route

logger = logging.getLogger("chat_api.health")

DISTRIBUTION = "chat-api"


@documented(
    tags=["health"],
    summary="The process is up (no database call)",
    responses={200: {"description": "Alive", **json_content(HealthStatus)}},
)
async def health(request: web.Request) -> web.Response:
    return json_response(HealthStatus(status="ok"))


@documented(
    tags=["health"],
    summary="The database answers SELECT 1 within a short timeout",
    responses={
        200: {"description": "Database reachable", **json_content(HealthStatus)},
        503: {"description": "Database unreachable or too slow", **json_content(ErrorBody)},
    },
)
async def health_db(request: web.Request) -> web.Response:
    timeout = request.app[SETTINGS].health_db_timeout
    try:
        async with asyncio.timeout(timeout):
            await request.app[STORE].ping()
    except Exception as exc:
        # Any failure here means "not ready"; the reason goes to the log, not to the client.
        logger.warning("database health check failed: %r", exc)
        raise DatabaseUnavailable() from None
    return json_response(HealthStatus(status="ok"))


@documented(
    tags=["health"],
    summary="Name and version of the running service",
    responses={200: {"description": "Version", **json_content(VersionInfo)}},
)
async def health_version(request: web.Request) -> web.Response:
    name = request.app[SETTINGS].app_name
    return json_response(VersionInfo(name=name, version=version(DISTRIBUTION)))


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "GET", "/health", health)
    add_route(router, "GET", "/health/db", health_db)
    add_route(router, "GET", "/health/version", health_version)
