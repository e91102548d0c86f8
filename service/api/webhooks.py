"""Webhooks: register, list, change, delete. Their secrets, attempts and pings are in
webhook_deliveries.py. Every route needs `admin` (routes.py)."""

from aiohttp import web

from service.api.appkeys import DATA, SETTINGS, WEBHOOK_RESOLVER
from service.api.http.parsing import path_int, read_body, read_query
from service.api.http.responses import json_response, next_page_link
from service.api.openapi.annotations import (
    LINK_HEADER,
    documented,
    error_responses,
    json_body,
    json_content,
    path_id,
)
from service.domain.errors import ChatNotFound
from service.domain.people import ANYONE
from service.domain.webhooks import (
    ScopeChatNotFound,
    WebhookCreate,
    WebhookList,
    WebhookPublic,
    WebhooksPageQuery,
    WebhookUpdate,
    WebhookWithSecret,
)
from service.webhooks.destinations import check_destination
from service.webhooks.signing import new_secret

WEBHOOK_ID = path_id("webhook_id", "Id of the webhook.")
URL_RULES = (
    " The URL must be `https://` (`http://` with WEBHOOK_ALLOW_HTTP) and, unless "
    "WEBHOOK_ALLOW_PRIVATE, resolve to public addresses only (422 `url_not_allowed`)."
)


async def _check(request: web.Request, url: str | None, chat_id: int | None) -> None:
    """The URL may be delivered to now, and a chat it is scoped to exists."""
    if url is not None:
        settings = request.app[SETTINGS]
        await check_destination(
            url,
            allow_http=settings.webhook_allow_http,
            allow_private=settings.webhook_allow_private,
            resolver=request.app[WEBHOOK_RESOLVER],
        )
    if chat_id is not None:
        try:
            await request.app[DATA].members.require(ANYONE, chat_id, "see")
        except ChatNotFound:
            raise ScopeChatNotFound(chat_id) from None


@documented(
    "create_webhook",
    tags=["webhooks"],
    summary="Register a webhook",
    description="It receives the events committed from now on, as signed JSON POSTs "
    "(docs/webhooks.md). The answer is the only one that shows its `secret`." + URL_RULES,
    requestBody=json_body(WebhookCreate),
    responses={
        201: {"description": "Registered", **json_content(WebhookWithSecret)},
        **error_responses(401, 403, 413, 415, 422, 503),
    },
)
async def create_webhook(request: web.Request) -> web.Response:
    body = await read_body(request, WebhookCreate)
    await _check(request, body.url, body.chat_id)
    webhook = await request.app[DATA].webhooks.create(body, secret=new_secret())
    return json_response(webhook, status=201)


@documented(
    "list_webhooks",
    tags=["webhooks"],
    summary="List webhooks, by id",
    description="Keyset paging (`after_id`); a full page carries a `Link` to the next one.",
    query="webhooks_page",
    responses={
        200: {
            "description": "One page of webhooks",
            "headers": LINK_HEADER,
            **json_content(WebhookList),
        },
        **error_responses(401, 403, 422, 503),
    },
)
async def list_webhooks(request: web.Request) -> web.Response:
    page = read_query(request, WebhooksPageQuery)
    webhooks = await request.app[DATA].webhooks.list(after_id=page.after_id or 0, limit=page.limit)
    link = {}
    if len(webhooks.root) == page.limit:
        link = next_page_link(request, after_id=webhooks.root[-1].id)
    return json_response(webhooks, headers=link)


@documented(
    "get_webhook",
    tags=["webhooks"],
    summary="Get a webhook",
    description="`enabled` is false once it was disabled (failing for "
    "WEBHOOK_DISABLE_AFTER_SECONDS, or by an operator), and `disabled_reason` says why.",
    parameters=[WEBHOOK_ID],
    responses={
        200: {"description": "The webhook", **json_content(WebhookPublic)},
        **error_responses(401, 403, 404, 422, 503),
    },
)
async def get_webhook(request: web.Request) -> web.Response:
    webhook = await request.app[DATA].webhooks.get(path_int(request, "webhook_id"))
    return json_response(webhook)


@documented(
    "update_webhook",
    tags=["webhooks"],
    summary="Change a webhook, or enable it again",
    description="Only the fields sent change (`chat_id: null` widens it to every chat). "
    "`enabled: true` enables a disabled webhook: it goes on from where it stopped." + URL_RULES,
    parameters=[WEBHOOK_ID],
    requestBody=json_body(WebhookUpdate),
    responses={
        200: {"description": "Changed", **json_content(WebhookPublic)},
        **error_responses(401, 403, 404, 413, 415, 422, 503),
    },
)
async def update_webhook(request: web.Request) -> web.Response:
    webhook_id = path_int(request, "webhook_id")
    change = await read_body(request, WebhookUpdate)
    await request.app[DATA].webhooks.get(webhook_id)
    await _check(request, change.url, change.chat_id)
    webhook = await request.app[DATA].webhooks.update(webhook_id, change)
    return json_response(webhook)


@documented(
    "delete_webhook",
    tags=["webhooks"],
    summary="Delete a webhook",
    description="With its queue and attempts: nothing more is sent to it (an attempt under "
    "way finishes).",
    parameters=[WEBHOOK_ID],
    responses={204: {"description": "Deleted"}, **error_responses(401, 403, 404, 422, 503)},
)
async def delete_webhook(request: web.Request) -> web.Response:
    await request.app[DATA].webhooks.delete(path_int(request, "webhook_id"))
    return web.Response(status=204)
