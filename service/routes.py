"""Every route of the API on one screen: method, path, handler, and who may call it.

The scope column is what a credential needs when authentication is on (AUTH_MODE=api_key or
jwt); None is open to everyone. `or_admin`: `admin` will do instead (changing other people's
messages is what admin is for). `query_token`: EventSource and WebSocket cannot send headers,
so these take ?access_token=. Every path also answers with a trailing slash, and every GET
answers HEAD.
"""

from service.api import chats, docs, feeds, health, messages, metrics, reading, search
from service.api.http.routing import Route

ROUTES = (
    # method    path                                handler                 scope
    Route("POST", "/chats", chats.create_chat, "write"),
    Route("GET", "/chats", chats.list_chats, "read"),
    Route("GET", "/chats/{chat_id}", chats.get_chat, "read"),
    Route("DELETE", "/chats/{chat_id}", chats.delete_chat, "admin"),
    Route("PATCH", "/chats/{chat_id}", chats.rename_chat, "write"),
    Route("GET", "/chats/{chat_id}/stats", chats.chat_stats, "read"),
    Route("POST", "/chats/{chat_id}/messages", messages.create_message, "write"),
    Route("GET", "/chats/{chat_id}/messages", reading.list_messages, "read"),
    Route("POST", "/chats/{chat_id}/messages/bulk", messages.create_messages, "write"),
    Route("POST", "/chats/{chat_id}/read", reading.mark_read, "write"),
    Route("GET", "/messages/{message_id}", messages.get_message, "read"),
    Route("PATCH", "/messages/{message_id}", messages.edit_message, "write", or_admin=True),
    Route("DELETE", "/messages/{message_id}", messages.delete_message, "write", or_admin=True),
    Route("GET", "/messages", search.search_messages, "read"),
    Route("GET", "/chats/{chat_id}/events", feeds.chat_events, "read", query_token=True),
    Route("GET", "/chats/{chat_id}/ws", feeds.chat_socket, "read", query_token=True),
    Route("GET", "/health", health.health, None),
    Route("GET", "/health/db", health.health_db, None),
    Route("GET", "/health/version", health.health_version, None),
    Route("GET", "/metrics", metrics.metrics, "metrics"),
    Route("GET", "/openapi.json", docs.openapi_json, None),
    Route("GET", "/docs", docs.swagger_page, None),
    Route("GET", "/redoc", docs.redoc_page, None),
)

# Static files of the docs pages (always public): URL prefix, folder.
ASSETS = (
    ("/docs/static", docs.SWAGGER_UI_ASSETS),
    ("/redoc/static", docs.REDOC_ASSETS),
)
