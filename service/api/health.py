"""Liveness, database readiness and version."""

import asyncio
import logging
import math
from importlib.metadata import version

from aiohttp import web

from service.api.appkeys import DATA, METRICS, REQUEST_ID, SETTINGS
from service.api.http.responses import json_response
from service.api.openapi.annotations import RETRY_AFTER_HEADER, documented, json_content
from service.domain.errors import DatabaseReadOnly, DatabaseUnavailable
from service.domain.health import (
    DatabaseHealth,
    DatabasesHealthy,
    DatabaseState,
    DatabasesUnhealthy,
    HealthStatus,
    VersionInfo,
)

logger = logging.getLogger("chat_api.health")

DISTRIBUTION = "chat-api"


@documented(
    "get_health",
    tags=["health"],
    summary="The process is up (no database call)",
    description="A liveness probe: answers while the event loop runs.",
    responses={200: {"description": "Alive", **json_content(HealthStatus)}},
)
async def health(request: web.Request) -> web.Response:
    return json_response(HealthStatus(status="ok"))


@documented(
    "get_database_health",
    tags=["health"],
    summary="DATABASE_URL answers and takes writes; each database's state in the body",
    description="A readiness probe: 200 while the primary answers within HEALTH_DB_TIMEOUT and "
    "takes writes; replicas are reported but do not decide it.",
    responses={
        200: {"description": "The primary takes writes", **json_content(DatabasesHealthy)},
        503: {
            "description": "The primary is unreachable, too slow, or read-only",
            "headers": {"Retry-After": RETRY_AFTER_HEADER},
            **json_content(DatabasesUnhealthy),
        },
    },
)
async def health_db(request: web.Request) -> web.Response:
    databases = request.app[DATA].databases
    try:
        async with asyncio.timeout(request.app[SETTINGS].health_db_timeout):
            primary: DatabaseState = "read_only" if await databases.primary_read_only() else "ok"
    except Exception as exc:
        # Any failure here means "not ready"; the reason goes to the log, not to the client.
        logger.warning("database health check failed: %r", exc)
        primary = "unavailable"
    report = [DatabaseHealth(name="primary", state=primary, warning=databases.primary.warning)]
    for replica in databases.replicas.replicas if databases.replicas else []:
        lag = replica.lag_seconds
        lag = round(lag, 3) if lag is not None and math.isfinite(lag) else None
        report.append(
            DatabaseHealth(
                name=replica.name,
                state=replica.state,
                lag_seconds=lag,
                warning=replica.gate.warning,
            )
        )
    if primary == "ok":
        return json_response(DatabasesHealthy(status="ok", databases=report))
    error = DatabaseReadOnly() if primary == "read_only" else DatabaseUnavailable()
    request.app[METRICS].database_errors.inc()
    body = DatabasesUnhealthy(
        detail=error.detail, code=error.code, request_id=request[REQUEST_ID], databases=report
    )
    return json_response(body, status=503, headers=error.headers)


@documented(
    "get_version",
    tags=["health"],
    summary="Name and version of the running service",
    description="`APP_NAME` and the installed package version.",
    responses={200: {"description": "Version", **json_content(VersionInfo)}},
)
async def health_version(request: web.Request) -> web.Response:
    name = request.app[SETTINGS].app_name
    return json_response(VersionInfo(name=name, version=version(DISTRIBUTION)))
