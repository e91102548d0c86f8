"""The benchmark's database: fresh, seeded through the bulk path, vacuumed between runs."""

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from bench.config import Config, Dataset
from bench.harness import BIN, ROOT
from service.db.queries import load_statements
from tests.support import postgres

BENCH_QUERIES = load_statements(ROOT / "bench" / "sql")


@contextmanager
def fresh_database() -> Iterator[str]:
    server = postgres.server_url()
    name = postgres.unique_name("chat_api_bench")
    asyncio.run(postgres.create_database(server, name))
    try:
        yield postgres.database_url(server, name)
    finally:
        asyncio.run(postgres.drop_database(server, name))


def seed(database_url: str, config: Config) -> Dataset:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    for chats, messages in [
        (1, config.big_chat_messages),
        (config.chats, config.messages_per_chat),
        (config.delete_pool, 0),
        (1, config.huge_chat_messages),
    ]:
        subprocess.run(
            [BIN / "chat-api", "seed", "--chats", str(chats), "--messages", str(messages)],
            env=env,
            check=True,
        )
    print(f"bench: seeded in {time.monotonic() - started:.1f} s", flush=True)
    big, chats = config.big_chat_messages, config.chats * config.messages_per_chat
    return Dataset(
        big_chat=1,
        huge_chat=2 + config.chats + config.delete_pool,
        chats=(2, 1 + config.chats),
        delete_pool=(2 + config.chats, 1 + config.chats + config.delete_pool),
        big_messages=(1, big),
        messages=(big + 1, big + chats),
    )


def settle(database_url: str) -> None:
    async def vacuum() -> None:
        connection = await asyncpg.connect(database_url)
        try:
            await BENCH_QUERIES["vacuum_analyze"](connection)
            await BENCH_QUERIES["checkpoint"](connection)
        finally:
            await connection.close()

    asyncio.run(vacuum())
