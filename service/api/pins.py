"""Pins: pin and unpin a chat's messages, and list what is pinned."""

from aiohttp import web

from service.api.appkeys import BUS, DATA
from service.api.http.authn import viewer
from service.api.http.parsing import path_int
from service.api.http.responses import json_response
from service.api.openapi.annotations import documented, error_responses, json_content, path_id
from service.domain.errors import NotAnOwner
from service.domain.messages import MessageList, MessagePublic
from service.domain.people import Viewer
from service.domain.reactions import MAX_PINS

CHAT_ID = path_id("chat_id", "Id of the chat.")
MESSAGE_ID = path_id("message_id", "Id of one of the chat's messages.")
WHO_PINS = (
    " With authentication on: the chat's owners, its members while its `members_can_pin` is "
    "true (the default), or `admin` (members otherwise: 403 `not_an_owner`; non-members: 403 "
    "`not_a_member` for a public chat, 404 for a private one)."
)


async def _may_pin(request: web.Request, chat_id: int, caller: Viewer) -> None:
    access = await request.app[DATA].members.require(caller, chat_id, "member")
    pinning_member = access.role == "member" and not caller.admin
    if pinning_member and caller.user is not None and not access.members_can_pin:
        raise NotAnOwner(chat_id)


@documented(
    "pin_message",
    tags=["pins"],
    summary="Pin a message of a chat",
    description=f"At most {MAX_PINS} pins per chat (409 `too_many_pins` for another). Live "
    "feeds get `message_pinned`." + WHO_PINS,
    parameters=[CHAT_ID, MESSAGE_ID],
    responses={
        200: {"description": "It was pinned already", **json_content(MessagePublic)},
        201: {
            "description": "Pinned: the message, with `pinned_at`",
            **json_content(MessagePublic),
        },
        **error_responses(403, 404, 409, 422, 503),
    },
)
async def pin_message(request: web.Request) -> web.Response:
    chat_id, message_id = path_int(request, "chat_id"), path_int(request, "message_id")
    caller = viewer(request)
    await _may_pin(request, chat_id, caller)
    added, message = await request.app[DATA].pins.pin(
        chat_id=chat_id, message_id=message_id, viewer=caller
    )
    if added:
        request.app[BUS].changed()
    return json_response(message, status=201 if added else 200)


@documented(
    "unpin_message",
    tags=["pins"],
    summary="Unpin a message of a chat",
    description="404 `pin_not_found` when it is not pinned. Live feeds get `message_unpinned`."
    + WHO_PINS,
    parameters=[CHAT_ID, MESSAGE_ID],
    responses={204: {"description": "Unpinned"}, **error_responses(403, 404, 422, 503)},
)
async def unpin_message(request: web.Request) -> web.Response:
    chat_id, message_id = path_int(request, "chat_id"), path_int(request, "message_id")
    caller = viewer(request)
    await _may_pin(request, chat_id, caller)
    await request.app[DATA].pins.unpin(chat_id=chat_id, message_id=message_id, viewer=caller)
    request.app[BUS].changed()
    return web.Response(status=204)


@documented(
    "list_pins",
    tags=["pins"],
    summary="A chat's pinned messages, most recently pinned first",
    description=f"All of them (at most {MAX_PINS}). With authentication on: who can read the chat.",
    parameters=[CHAT_ID],
    responses={
        200: {"description": "The pinned messages", **json_content(MessageList)},
        **error_responses(404, 422, 503),
    },
)
async def list_pins(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    pins = await request.app[DATA].pins.pins(chat_id=chat_id, viewer=viewer(request))
    return json_response(pins)
