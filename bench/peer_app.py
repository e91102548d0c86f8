"""The peer: what a user would pick instead of this service for the two paths with targets,
written the way FastAPI's own documentation teaches (a lifespan that opens the asyncpg pool,
path and query parameters and a pydantic body model declared in the signature, a response
model) and running the service's own sql/ files and pydantic models. The bench serves it with

    uvicorn bench.peer_app:app --loop uvloop --http httptools --workers N
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import FastAPI, HTTPException, Query, Request

from service.db.files import sql_dir
from service.domain.chats import ChatWithMessages
from service.domain.messages import MessageCreate, MessagePublic

GET_CHAT = (sql_dir() / "chats" / "get_chat_with_messages.sql").read_text()
CREATE_MESSAGE = (sql_dir() / "messages" / "create_message.sql").read_text()
POOL_SIZE = 10  # the service's DB_POOL_MAX_SIZE default


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with asyncpg.create_pool(
        os.environ["DATABASE_URL"], min_size=POOL_SIZE, max_size=POOL_SIZE
    ) as pool:
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chats/{chat_id}", response_model=ChatWithMessages)
async def get_chat(
    chat_id: int, request: Request, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> ChatWithMessages:
    document = await request.app.state.pool.fetchval(GET_CHAT, chat_id, limit, None, False, False)
    if document is None:
        raise HTTPException(status_code=404, detail="Chat not found")
    return ChatWithMessages.model_validate_json(document)


@app.post("/chats/{chat_id}/messages", response_model=MessagePublic, status_code=201)
async def post_message(chat_id: int, message: MessageCreate, request: Request) -> MessagePublic:
    row = await request.app.state.pool.fetchrow(
        CREATE_MESSAGE, chat_id, message.text, None, message.reply_to, False, None, []
    )
    if row is None:
        raise HTTPException(status_code=404, detail="Chat not found")
    return MessagePublic.model_validate(dict(row))
