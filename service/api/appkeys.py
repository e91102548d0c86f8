"""Typed keys for everything the app and its requests keep: no module-level state."""

from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver

from service.auth.principal import Authenticator, Principal
from service.auth.ratelimit import RateLimits
from service.data.layer import DataLayer
from service.data.sql import Queries
from service.domain.params import QueryModels
from service.live.bus import Bus
from service.live.hub import EventHub
from service.settings import Settings
from service.telemetry.metrics import Metrics

SETTINGS = web.AppKey("settings", Settings)
QUERIES = web.AppKey("queries", Queries)
QUERY_MODELS = web.AppKey("query_models", QueryModels)
DATA = web.AppKey("data", DataLayer)
HUB = web.AppKey("hub", EventHub)
# Called after every committed write: how the other processes hear of it (EVENT_BUS).
BUS = web.AppKey("bus", Bus)
OPENAPI = web.AppKey("openapi", dict[str, Any])
METRICS = web.AppKey("metrics", Metrics)
AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
RATE_LIMITS = web.AppKey("rate_limits", RateLimits)
# How webhook URLs are resolved (before their addresses are checked): the system's resolver,
# unless a test put a resolver of its own here before the app started.
WEBHOOK_RESOLVER = web.AppKey("webhook_resolver", AbstractResolver)

REQUEST_ID = web.RequestKey("request_id", str)
PRINCIPAL = web.RequestKey("principal", Principal)
RATE_HEADERS = web.RequestKey("rate_headers", dict[str, str])
