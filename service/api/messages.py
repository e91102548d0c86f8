"""Messages: post one (idempotently) or up to 1,000 at once, get one, edit and delete."""

from aiohttp import web

from service.api.appkeys import BUS, DATA
from service.api.http.authn import viewer
from service.api.http.parsing import optional_header_token, path_int, read_body
from service.api.http.responses import json_response
from service.api.openapi.annotations import (
    documented,
    error_responses,
    json_body,
    json_content,
    path_id,
)
from service.domain.errors import Forbidden, MessageNotFound, NotFound
from service.domain.messages import (
    MessageCreate,
    MessageEdit,
    MessageList,
    MessagePublic,
    MessagesBulkCreate,
)
from service.domain.people import ChatAccess, Viewer, check_access

IDEMPOTENCY_KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MESSAGE_ID = path_id("message_id", "Id of the message.")
OWN_OR_ADMIN = (
    " With authentication on: its author, while a member of the chat, with the `write` "
    "scope, or any credential with `admin` (others: 403; a message of a private chat the "
    "caller is not in: 404)."
)
MEMBERS_POST = (
    " With authentication on: members of the chat (and `admin`); others get 403 "
    "`not_a_member` for a public chat and 404 for a private one. The author has read what "
    "it posts: its read position moves to the new message."
)


def _may_change(caller: Viewer, chat_id: int, author: str | None, access: ChatAccess) -> None:
    """Members change their own messages; `admin` changes anyone's. Without authentication
    there is nobody to tell apart. A private chat's message does not exist for others."""
    check_access(caller, access, chat_id, "member")
    if caller.user is None or caller.admin or author == caller.user:
        return
    raise Forbidden("Only the message's author or a credential with the 'admin' scope may")


@documented(
    "create_message",
    tags=["messages"],
    summary="Post a message into a chat",
    description="With an `Idempotency-Key`, a retry with the same key and text returns the "
    "original 201 answer and creates nothing; the same key with another text is a 422. Keys "
    "are kept at least 24 hours. With `thread_id`, the message is a reply in that root's "
    "thread (a thread reply is no root: 422 `not_a_thread_root`); `mentions` must be members "
    "of the chat (422 `mention_not_member`, naming the item)." + MEMBERS_POST,
    parameters=[
        path_id("chat_id", "Id of the chat to post into."),
        {
            "in": "header",
            "name": IDEMPOTENCY_KEY,
            "required": False,
            "description": "A client-chosen key (1-255 printable ASCII) making retries safe.",
            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
        },
    ],
    requestBody=json_body(MessageCreate),
    responses={
        201: {
            "description": "Created (or, for a repeated Idempotency-Key, created earlier); "
            "`Location` names the message",
            "headers": {
                "Location": {"schema": {"type": "string"}},
                REPLAYED: {
                    "description": "`true` when this answers a repeated Idempotency-Key",
                    "schema": {"type": "string"},
                },
            },
            **json_content(MessagePublic),
        },
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def create_message(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    key = optional_header_token(request, IDEMPOTENCY_KEY)
    body = await read_body(request, MessageCreate)
    messages = request.app[DATA].messages
    headers: dict[str, str] = {}
    if key is None:
        message = await messages.create_message(
            chat_id=chat_id,
            text=body.text,
            viewer=viewer(request),
            reply_to=body.reply_to,
            thread_id=body.thread_id,
            mentions=body.mentions,
        )
    else:
        message, replayed = await messages.create_message_once(
            chat_id=chat_id,
            text=body.text,
            key=key,
            viewer=viewer(request),
            reply_to=body.reply_to,
            thread_id=body.thread_id,
            mentions=body.mentions,
        )
        headers[REPLAYED] = "true" if replayed else "false"
    request.app[BUS].changed()
    headers["Location"] = f"/messages/{message.id}"
    return json_response(message, status=201, headers=headers)


@documented(
    "create_messages",
    tags=["messages"],
    summary="Post up to 1,000 messages into a chat at once, all or nothing",
    description="One statement: every message is stored, in the given order, or none is. Each "
    "text follows the rule of a single post." + MEMBERS_POST,
    parameters=[path_id("chat_id", "Id of the chat to post into.")],
    requestBody=json_body(MessagesBulkCreate),
    responses={
        201: {"description": "Created, in the given order", **json_content(MessageList)},
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def create_messages(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, MessagesBulkCreate)
    created = await request.app[DATA].messages.create_messages(
        chat_id=chat_id, texts=[message.text for message in body.messages], viewer=viewer(request)
    )
    request.app[BUS].changed()
    return json_response(created, status=201)


@documented(
    "get_message",
    tags=["messages"],
    summary="Get one message",
    description="Any message by its id, whichever chat it is in (with authentication on: a "
    "chat the caller can read; a private chat's message is a 404 for others).",
    parameters=[MESSAGE_ID],
    responses={
        200: {"description": "The message", **json_content(MessagePublic)},
        **error_responses(404, 422, 503),
    },
)
async def get_message(request: web.Request) -> web.Response:
    message_id = path_int(request, "message_id")
    message = await request.app[DATA].messages.get_message(
        message_id=message_id, viewer=viewer(request)
    )
    return json_response(message)


@documented(
    "edit_message",
    tags=["messages"],
    summary="Edit a message's text",
    description="The same rule as posting. The answer has `edited_at`; sending the text it "
    "already has changes nothing. Live feeds get `message_edited`. `mentions`, when given, "
    "replace the message's (the same rule as posting)." + OWN_OR_ADMIN,
    parameters=[MESSAGE_ID],
    requestBody=json_body(MessageEdit),
    responses={
        200: {"description": "The message as it is now", **json_content(MessagePublic)},
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def edit_message(request: web.Request) -> web.Response:
    message_id = path_int(request, "message_id")
    body = await read_body(request, MessageEdit)
    data, caller = request.app[DATA], viewer(request)
    chat_id = await _check_owner(request, message_id, caller)
    if body.mentions is not None:
        await data.members.require_members(chat_id, body.mentions)
    edited = await data.messages.edit_message(
        message_id=message_id, text=body.text, viewer=caller, mentions=body.mentions
    )
    request.app[BUS].changed()
    return json_response(edited)


async def _check_owner(request: web.Request, message_id: int, caller: Viewer) -> int:
    """The message's chat, when the caller may change the message."""
    chat_id, author, access = await request.app[DATA].messages.message_owner(
        message_id=message_id, viewer=caller
    )
    try:
        _may_change(caller, chat_id, author, access)
    except NotFound:
        raise MessageNotFound(message_id) from None
    return chat_id


@documented(
    "delete_message",
    tags=["messages"],
    summary="Delete a message",
    description="Counts (`message_count`, `unread_count`, statistics) follow at once; replies "
    "to it stay, with `reply_to: null`; a thread root's replies stay in its thread, and `GET "
    "/messages/{id}` answers the root as `deleted: true` while it has any. Live feeds get "
    "`message_deleted`. A second delete is a 404." + OWN_OR_ADMIN,
    parameters=[MESSAGE_ID],
    responses={204: {"description": "Deleted"}, **error_responses(403, 404, 422, 503)},
)
async def delete_message(request: web.Request) -> web.Response:
    message_id = path_int(request, "message_id")
    await _check_owner(request, message_id, viewer(request))
    await request.app[DATA].messages.delete_message(message_id=message_id)
    request.app[BUS].changed()
    return web.Response(status=204)
