"""Typed keys for everything the app and its requests keep: no module-level state."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from service.apikeys import Principal
from service.changes import Changes
from service.metrics import Metrics
from service.queries import Queries
from service.query_models import ChatsPage, Latest, StatsQuery
from service.search import MessagesPage, SearchQuery
from service.settings import Settings
from service.store import Store


@dataclass(frozen=True, slots=True)
class QueryModels:
    """Query-parameter models whose bounds come from the settings."""

    chats_page: type[ChatsPage]
    messages_page: type[MessagesPage]
    latest_messages: type[Latest]
    stats: type[StatsQuery] = StatsQuery
    search: type[SearchQuery] = SearchQuery


SETTINGS = web.AppKey("settings", Settings)
QUERIES = web.AppKey("queries", Queries)
QUERY_MODELS = web.AppKey("query_models", QueryModels)
STORE = web.AppKey("store", Store)
CHANGES = web.AppKey("changes", Changes)
OPENAPI = web.AppKey("openapi", dict[str, Any])
METRICS = web.AppKey("metrics", Metrics)

if TYPE_CHECKING:
    from service.events import EventHub
EVENTS: web.AppKey["EventHub"] = web.AppKey("events")

REQUEST_ID = web.RequestKey("request_id", str)
PRINCIPAL = web.RequestKey("principal", Principal)
RATE_HEADERS = web.RequestKey("rate_headers", dict[str, str])
