"""The application factory: wires settings, routes, middlewares and resources, nothing else."""

import asyncio
from collections.abc import AsyncIterator

from aiohttp import ThreadedResolver, web

from service.api.appkeys import (
    AUTHENTICATOR,
    BUS,
    DATA,
    HUB,
    METRICS,
    OPENAPI,
    QUERIES,
    QUERY_MODELS,
    RATE_LIMITS,
    SETTINGS,
    WEBHOOK_RESOLVER,
)
from service.api.http.authn import auth_middleware
from service.api.http.cors import enable_cors
from service.api.http.middleware import request_middleware
from service.api.http.rate_limits import rate_limit_middleware
from service.api.http.routing import add_routes
from service.api.openapi.document import OpenAPIBuilder
from service.auth.access import route_scopes
from service.auth.jwt import JwtVerifier
from service.auth.keys import ApiKeys
from service.auth.ratelimit import RateLimits, rate_limited
from service.data.layer import DataLayer
from service.data.sql import load_queries
from service.db.consistency import consistency_middleware
from service.db.pools import open_databases
from service.domain.params import query_models
from service.live.running import running_live
from service.routes import ASSETS, ROUTES
from service.settings import Settings, load_settings
from service.telemetry.metrics import Metrics
from service.webhooks.worker import delivering


async def _asyncio_debug(app: web.Application) -> None:
    """DEBUG=true: asyncio's debug mode (slow callbacks, never-awaited coroutines in the log).
    It changes no response; clients never see more because of it."""
    asyncio.get_running_loop().set_debug(True)


def _check_every_route_declares_access(app: web.Application) -> None:
    """Fails at start-up, not in production, when a route forgot to say who may call it."""
    for route in app.router.routes():
        route_scopes(route)


async def _databases(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the pools and the data layer over them; the primary must answer."""
    settings = app[SETTINGS]
    async with open_databases(settings, app[QUERIES]) as databases:
        await databases.ping()
        data = DataLayer.over(databases, app[QUERIES], delete_timeout=settings.db_delete_timeout)
        app[DATA] = data
        if settings.auth_mode == "api_key":
            app[AUTHENTICATOR] = ApiKeys(data.keys)
        yield


async def _live_events(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the hub of this process's live feeds and the bus between processes."""
    on_bus_error = app[METRICS].event_bus_errors.inc
    async with running_live(app[SETTINGS], app[DATA], on_bus_error=on_bus_error) as live:
        app[HUB], app[BUS] = live.hub, live.bus
        yield


async def _webhooks(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: this process's share of delivering webhooks, and the resolver their URLs
    are checked with."""
    if WEBHOOK_RESOLVER not in app:
        app[WEBHOOK_RESOLVER] = ThreadedResolver()
    resolver = app[WEBHOOK_RESOLVER]
    try:
        async with delivering(app[SETTINGS], app[DATA], resolver, app[METRICS].webhooks):
            yield
    finally:
        await resolver.close()


async def _end_streams(app: web.Application) -> None:
    """on_shutdown: streams end at once, so a graceful stop does not wait on them."""
    if HUB in app:
        app[HUB].broadcast(None)


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or load_settings()
    # Read-your-writes tokens matter only when reads can go to a replica.
    consistency = [consistency_middleware] if settings.database_replica_urls else []
    auth = [auth_middleware] if settings.auth_mode != "none" else []
    limits = [rate_limit_middleware] if rate_limited(settings) else []
    app = web.Application(
        middlewares=[*consistency, request_middleware, *auth, *limits],
        client_max_size=settings.body_limit,
    )
    app[SETTINGS] = settings
    app[QUERIES] = load_queries()
    app[QUERY_MODELS] = query_models(
        default_messages=settings.default_messages_limit,
        max_messages=settings.max_messages_limit,
    )
    app[METRICS] = Metrics()

    if settings.auth_mode == "jwt":
        app[AUTHENTICATOR] = JwtVerifier(settings)  # api_key: set with the database pool
    if limits:
        app[RATE_LIMITS] = RateLimits(settings, on_storage_error=app[METRICS].rate_limit_errors.inc)

    add_routes(app.router, ROUTES, ASSETS)
    _check_every_route_declares_access(app)
    app[OPENAPI] = OpenAPIBuilder(settings, query_models=app[QUERY_MODELS]).build(app)
    enable_cors(app, settings.cors_origins)

    if settings.debug:
        app.on_startup.append(_asyncio_debug)
    app.cleanup_ctx.append(_databases)
    app.cleanup_ctx.append(_live_events)
    app.cleanup_ctx.append(_webhooks)
    app.on_shutdown.append(_end_streams)
    return app
