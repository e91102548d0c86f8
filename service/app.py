"""The application factory: wires settings, routes, middlewares and resources, nothing else."""

import asyncio

from aiohttp import web

from service.access import route_scopes
from service.appkeys import METRICS, OPENAPI, QUERIES, QUERY_MODELS, SETTINGS, QueryModels
from service.auth import AUTHENTICATOR, auth_middleware
from service.consistency import consistency_middleware
from service.cors import enable_cors
from service.database import database_ctx
from service.events import end_streams, events_ctx
from service.jwt_auth import JwtVerifier
from service.metrics import Metrics
from service.middlewares import request_middleware
from service.openapi_builder import OpenAPIBuilder
from service.queries import load_queries
from service.query_models import CHATS_PAGE_MAX, chats_page_query, latest_query, page_query
from service.ratelimit import RATE_LIMITS, RateLimits, rate_limit_middleware, rate_limited
from service.resources import sql_dir
from service.search import MessagesPage
from service.settings import Settings, load_settings
from service.views import changes, chats, docs, events, health, messages, metrics, search


def _query_models(settings: Settings) -> QueryModels:
    messages_max = settings.max_messages_limit
    return QueryModels(
        chats_page=chats_page_query(max_limit=CHATS_PAGE_MAX),
        messages_page=page_query(
            "MessagesPageQuery",
            default_limit=min(100, messages_max),
            max_limit=messages_max,
            order="newest-first order",
            base=MessagesPage,
        ),
        latest_messages=latest_query(
            default_limit=settings.default_messages_limit, max_limit=messages_max
        ),
    )


async def _asyncio_debug(app: web.Application) -> None:
    """DEBUG=true: asyncio's debug mode (slow callbacks, never-awaited coroutines in the log).
    It changes no response; clients never see more because of it."""
    asyncio.get_running_loop().set_debug(True)


def _check_every_route_declares_access(app: web.Application) -> None:
    """Fails at start-up, not in production, when a route forgot to say who may call it."""
    for route in app.router.routes():
        route_scopes(route)


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
    app[QUERIES] = load_queries(sql_dir())
    app[QUERY_MODELS] = _query_models(settings)
    app[METRICS] = Metrics()

    if settings.auth_mode == "jwt":
        app[AUTHENTICATOR] = JwtVerifier(settings)  # api_key: set with the database pool
    if limits:
        app[RATE_LIMITS] = RateLimits(settings)

    for area in (chats, messages, changes, search, events, health, metrics, docs):
        area.add_routes(app.router)
    _check_every_route_declares_access(app)
    openapi = OpenAPIBuilder(settings, query_models=app[QUERY_MODELS])
    app[OPENAPI] = openapi.build(app)
    enable_cors(app, settings.cors_origins)

    if settings.debug:
        app.on_startup.append(_asyncio_debug)
    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(events_ctx)
    app.on_shutdown.append(end_streams)
    return app
