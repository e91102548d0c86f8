"""Chats: create, list, open with the latest messages, delete."""

from aiohttp import web

from service.appkeys import QUERY_MODELS, STORE
from service.models import ChatCreate, ChatList, ChatPublic, ChatWithMessages
from service.openapi import documented, error_responses, json_body, json_content, path_id
from service.parsing import path_int, read_body, read_query
from service.responses import json_response
from service.routing import add_route

CHAT_ID = path_id("chat_id", "Id of the chat.")


@documented(
    tags=["chats"],
    summary="Create a chat",
    requestBody=json_body(ChatCreate),
    responses={
        201: {
            "description": "Created; `Location` names the new chat",
            "headers": {"Location": {"schema": {"type": "string"}}},
            **json_content(ChatPublic),
        },
        **error_responses(413, 415, 422, 503),
    },
)
async def create_chat(request: web.Request) -> web.Response:
    body = await read_body(request, ChatCreate)
    chat = await request.app[STORE].create_chat(title=body.title)
    return json_response(chat, status=201, headers={"Location": f"/chats/{chat.id}"})


@documented(
    tags=["chats"],
    summary="List chats in creation order",
    query="chats_page",
    responses={
        200: {"description": "One page of chats", **json_content(ChatList)},
        **error_responses(422, 503),
    },
)
async def list_chats(request: web.Request) -> web.Response:
    page = read_query(request, request.app[QUERY_MODELS].chats_page)
    chats = await request.app[STORE].list_chats(
        skip=page.skip, limit=page.limit, before_id=page.before_id, after_id=page.after_id
    )
    return json_response(chats)


@documented(
    tags=["chats"],
    summary="Open a chat with its latest messages, newest first",
    parameters=[CHAT_ID],
    query="latest_messages",
    responses={
        200: {"description": "The chat and its latest messages", **json_content(ChatWithMessages)},
        **error_responses(404, 422, 503),
    },
)
async def get_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    latest = read_query(request, request.app[QUERY_MODELS].latest_messages)
    chat = await request.app[STORE].get_chat_with_messages(chat_id=chat_id, limit=latest.limit)
    return json_response(chat)


@documented(
    tags=["chats"],
    summary="Delete a chat and all its messages",
    parameters=[CHAT_ID],
    responses={204: {"description": "Deleted"}, **error_responses(404, 422, 503)},
)
async def delete_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    await request.app[STORE].delete_chat(chat_id=chat_id)
    return web.Response(status=204)


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "POST", "/chats", create_chat)
    add_route(router, "GET", "/chats", list_chats)
    add_route(router, "GET", "/chats/{chat_id}", get_chat)
    add_route(router, "DELETE", "/chats/{chat_id}", delete_chat)
