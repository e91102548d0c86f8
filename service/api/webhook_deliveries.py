"""A webhook's secret rotation, its attempts, and pings. Every route needs `admin`."""

from aiohttp import web

from service.api.appkeys import DATA
from service.api.http.parsing import path_int, read_query
from service.api.http.responses import json_response, next_page_link
from service.api.openapi.annotations import (
    LINK_HEADER,
    documented,
    error_responses,
    json_content,
    path_id,
)
from service.domain.webhooks import AttemptList, AttemptsPageQuery, PingQueued, WebhookWithSecret
from service.webhooks.signing import new_secret

WEBHOOK_ID = path_id("webhook_id", "Id of the webhook.")


@documented(
    "rotate_webhook_secret",
    tags=["webhooks"],
    summary="Give a webhook a new signing secret",
    description="The answer shows the new `secret`. For 24 hours the previous one signs "
    "beside it (two `v1,` signatures in `webhook-signature`), so a receiver can switch "
    "without losing a delivery.",
    parameters=[WEBHOOK_ID],
    responses={
        200: {"description": "Rotated", **json_content(WebhookWithSecret)},
        **error_responses(401, 403, 404, 422, 503),
    },
)
async def rotate_webhook_secret(request: web.Request) -> web.Response:
    webhook_id = path_int(request, "webhook_id")
    webhook = await request.app[DATA].webhooks.rotate_secret(webhook_id, secret=new_secret())
    return json_response(webhook)


@documented(
    "list_webhook_deliveries",
    tags=["webhooks"],
    summary="A webhook's latest attempts, newest first",
    description="Each attempt: the event id (`webhook-id`), its type, the status code or what "
    "went wrong, how long it took, its number, and on a pending delivery's latest attempt, "
    "when the next one is due. Keyset paging (`before_id`) with a `Link` to older ones.",
    parameters=[WEBHOOK_ID],
    query="attempts_page",
    responses={
        200: {
            "description": "One page of attempts",
            "headers": LINK_HEADER,
            **json_content(AttemptList),
        },
        **error_responses(401, 403, 404, 422, 503),
    },
)
async def list_webhook_deliveries(request: web.Request) -> web.Response:
    webhook_id = path_int(request, "webhook_id")
    page = read_query(request, AttemptsPageQuery)
    attempts = await request.app[DATA].webhooks.attempts(webhook_id, page)
    link = {}
    if len(attempts.root) == page.limit:
        link = next_page_link(request, before_id=attempts.root[-1].id)
    return json_response(attempts, headers=link)


@documented(
    "test_webhook",
    tags=["webhooks"],
    summary="Send a webhook a ping",
    description='Queues a `ping` event (`data`: `{"webhook_id"}`), sent at once and retried '
    "like any other, to a disabled webhook too: how a fixed receiver is tried before the "
    "webhook is enabled again. Its attempts show in the deliveries.",
    parameters=[WEBHOOK_ID],
    responses={
        202: {"description": "Queued", **json_content(PingQueued)},
        **error_responses(401, 403, 404, 422, 503),
    },
)
async def test_webhook(request: web.Request) -> web.Response:
    event_id = await request.app[DATA].webhooks.queue_ping(path_int(request, "webhook_id"))
    return json_response(PingQueued(event_id=event_id), status=202)
