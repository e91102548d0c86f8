"""Every route of the API on one screen: method, path, handler, and who may call it.

The scope column is what a credential needs when authentication is on (AUTH_MODE=api_key or
jwt); None is open to everyone, and `admin` will do wherever `read` or `write` is needed
(admin is the moderator: it may do everything on every chat). What a caller may do in a
given chat (member, owner) is the handlers' check (docs/security.md: "People and
permissions"). `query_token`: EventSource and WebSocket cannot send headers, so these take
?access_token=. Every path also answers with a trailing slash, and every GET answers HEAD.
"""

from service.api import (
    chats,
    docs,
    feeds,
    health,
    me,
    members,
    messages,
    metrics,
    pins,
    reactions,
    reading,
    search,
    threads,
    user_feeds,
    webhook_deliveries,
    webhooks,
)
from service.api.http.routing import Route

ROUTES = (
    # method    path                                handler                 scope
    Route("POST", "/chats", chats.create_chat, "write"),
    Route("GET", "/chats", chats.list_chats, "read"),
    Route("GET", "/chats/{chat_id}", chats.get_chat, "read"),
    Route("DELETE", "/chats/{chat_id}", chats.delete_chat, "write"),
    Route("PATCH", "/chats/{chat_id}", chats.rename_chat, "write"),
    Route("GET", "/chats/{chat_id}/stats", chats.chat_stats, "read"),
    Route("POST", "/chats/{chat_id}/messages", messages.create_message, "write"),
    Route("GET", "/chats/{chat_id}/messages", reading.list_messages, "read"),
    Route("POST", "/chats/{chat_id}/messages/bulk", messages.create_messages, "write"),
    Route("POST", "/chats/{chat_id}/read", reading.mark_read, "write"),
    Route("POST", "/chats/{chat_id}/unread", reading.mark_unread, "write"),
    Route("GET", "/chats/{chat_id}/members", members.list_members, "read"),
    Route("PUT", "/chats/{chat_id}/members/{user_id}", members.put_member, "write"),
    Route("DELETE", "/chats/{chat_id}/members/{user_id}", members.remove_member, "write"),
    Route("POST", "/chats/{chat_id}/join", members.join_chat, "write"),
    Route("POST", "/chats/{chat_id}/typing", user_feeds.send_typing, "write"),
    Route("GET", "/chats/{chat_id}/pins", pins.list_pins, "read"),
    Route("PUT", "/chats/{chat_id}/pins/{message_id}", pins.pin_message, "write"),
    Route("DELETE", "/chats/{chat_id}/pins/{message_id}", pins.unpin_message, "write"),
    Route("GET", "/messages/{message_id}", messages.get_message, "read"),
    Route("PATCH", "/messages/{message_id}", messages.edit_message, "write"),
    Route("DELETE", "/messages/{message_id}", messages.delete_message, "write"),
    Route("GET", "/messages/{message_id}/thread", threads.list_thread, "read"),
    Route("GET", "/messages/{message_id}/reactions/{emoji}", reactions.list_reactors, "read"),
    Route("PUT", "/messages/{message_id}/reactions/{emoji}", reactions.add_reaction, "write"),
    Route("DELETE", "/messages/{message_id}/reactions/{emoji}", reactions.remove_reaction, "write"),
    Route("GET", "/messages", search.search_messages, "read"),
    Route("GET", "/chats/{chat_id}/events", feeds.chat_events, "read", query_token=True),
    Route("GET", "/chats/{chat_id}/ws", feeds.chat_socket, "read", query_token=True),
    Route("GET", "/me", me.get_me, "read"),
    Route("PATCH", "/me", me.update_me, "write"),
    Route("GET", "/me/chats", me.list_my_chats, "read"),
    Route("GET", "/me/unread", me.get_my_unread, "read"),
    Route("GET", "/me/mentions", me.list_my_mentions, "read"),
    Route("GET", "/me/events", user_feeds.my_events, "read", query_token=True),
    Route("GET", "/me/ws", user_feeds.my_socket, "read", query_token=True),
    Route("GET", "/users/{user_id}", me.get_user, "read"),
    Route("POST", "/webhooks", webhooks.create_webhook, "admin"),
    Route("GET", "/webhooks", webhooks.list_webhooks, "admin"),
    Route("GET", "/webhooks/{webhook_id}", webhooks.get_webhook, "admin"),
    Route("PATCH", "/webhooks/{webhook_id}", webhooks.update_webhook, "admin"),
    Route("DELETE", "/webhooks/{webhook_id}", webhooks.delete_webhook, "admin"),
    Route(
        "POST",
        "/webhooks/{webhook_id}/rotate-secret",
        webhook_deliveries.rotate_webhook_secret,
        "admin",
    ),
    Route(
        "GET",
        "/webhooks/{webhook_id}/deliveries",
        webhook_deliveries.list_webhook_deliveries,
        "admin",
    ),
    Route("POST", "/webhooks/{webhook_id}/test", webhook_deliveries.test_webhook, "admin"),
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
