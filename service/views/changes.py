"""What changes after posting: edit or delete a message, rename a chat."""

from aiohttp import web

from service.apikeys import Principal
from service.appkeys import CHANGES, PRINCIPAL
from service.errors import Forbidden
from service.models import ChatPublic, ChatRename, MessageEdit, MessagePublic
from service.openapi import documented, error_responses, json_body, json_content, path_id
from service.parsing import path_int, read_body
from service.responses import json_response
from service.routing import add_route

MESSAGE_ID = path_id("message_id", "Id of the message.")
OWN_OR_ADMIN = (
    " With authentication on: its author with the `write` scope, or any credential with "
    "`admin` (others: 403)."
)


def _may_change(principal: Principal | None, author: str | None) -> None:
    """Authors change their own messages; `admin` changes anyone's. Without authentication
    (principal None) there is nobody to tell apart."""
    if principal is None or "admin" in principal.scopes or author == principal.name:
        return
    raise Forbidden("Only the message's author or a credential with the 'admin' scope may")


@documented(
    "edit_message",
    scope="write",
    or_admin=True,
    tags=["messages"],
    summary="Edit a message's text",
    description="The same rule as posting. The answer has `edited_at`; sending the text it "
    "already has changes nothing. Live feeds get `message_edited`." + OWN_OR_ADMIN,
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
    changes = request.app[CHANGES]
    _, author = await changes.message_owner(message_id=message_id)
    _may_change(request.get(PRINCIPAL), author)
    return json_response(await changes.edit_message(message_id=message_id, text=body.text))


@documented(
    "delete_message",
    scope="write",
    or_admin=True,
    tags=["messages"],
    summary="Delete a message",
    description="Counts (`message_count`, `unread_count`, statistics) follow at once; replies "
    "to it stay, with `reply_to: null`. Live feeds get `message_deleted`. A second delete is "
    "a 404." + OWN_OR_ADMIN,
    parameters=[MESSAGE_ID],
    responses={204: {"description": "Deleted"}, **error_responses(403, 404, 422, 503)},
)
async def delete_message(request: web.Request) -> web.Response:
    message_id = path_int(request, "message_id")
    changes = request.app[CHANGES]
    _, author = await changes.message_owner(message_id=message_id)
    _may_change(request.get(PRINCIPAL), author)
    await changes.delete_message(message_id=message_id)
    return web.Response(status=204)


@documented(
    "rename_chat",
    scope="write",
    tags=["chats"],
    summary="Rename a chat",
    description="The same rule as creating. Sending the title it already has changes nothing. "
    "Live feeds get `chat_renamed`.",
    parameters=[path_id("chat_id", "Id of the chat.")],
    requestBody=json_body(ChatRename),
    responses={
        200: {"description": "The chat as it is now", **json_content(ChatPublic)},
        **error_responses(404, 413, 415, 422, 503),
    },
)
async def rename_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, ChatRename)
    chat = await request.app[CHANGES].rename_chat(chat_id=chat_id, title=body.title)
    return json_response(chat)


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "PATCH", "/messages/{message_id}", edit_message)
    add_route(router, "DELETE", "/messages/{message_id}", delete_message)
    add_route(router, "PATCH", "/chats/{chat_id}", rename_chat)
