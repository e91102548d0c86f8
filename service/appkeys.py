"""Typed keys for everything the app and its requests keep: no module-level state."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from service.metrics import Metrics
from service.models import ChatsPage, Latest, Page, StatsQuery
from service.queries import Queries
from service.settings import Settings
from service.store import Store


@dataclass(frozen=True, slots=True)
class QueryModels:
    """Query-parameter models whose bounds come from the settings."""

    chats_page: type[ChatsPage]
    messages_page: type[Page]
    latest_messages: type[Latest]
    stats: type[StatsQuery] = StatsQuery


SETTINGS = web.AppKey("settings", Settings)
QUERIES = web.AppKey("queries", Queries)
QUERY_MODELS = web.AppKey("query_models", QueryModels)
STORE = web.AppKey("store", Store)
OPENAPI = web.AppKey("openapi", dict[str, Any])
METRICS = web.AppKey("metrics", Metrics)

if TYPE_CHECKING:
    from service.events import EventHub
EVENTS: web.AppKey["EventHub"] = web.AppKey("events")

REQUEST_ID = web.RequestKey("request_id", str)
