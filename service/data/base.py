"""What every data module shares: the databases, the statements, and the checks on ids."""

from collections.abc import Awaitable
from typing import Any

from service.data.sql import Queries
from service.db.databases import Databases
from service.db.queries import Query
from service.domain.errors import ChatNotFound
from service.domain.fields import MAX_BIGINT

# A plan made for each search text: the cached generic plan PostgreSQL may switch to after
# five runs walks the primary key and filters every chat (0.06 ms became 33 ms over 100k
# chats), and whether it switches depends on the table's statistics.
CUSTOM_PLAN = {"plan_cache_mode": "force_custom_plan"}


def can_exist(row_id: int) -> bool:
    """Whether an id is in bigint range: outside it no row can have it."""
    return 1 <= row_id <= MAX_BIGINT


def require_chat_id(chat_id: int) -> None:
    # Outside bigint range the database would reject the parameter; no such chat can exist.
    if not can_exist(chat_id):
        raise ChatNotFound(chat_id)


class DataModule:
    """Runs one folder's statements: reads where reads may go (a replica that has this client's
    writes), writes on the primary."""

    def __init__(self, databases: Databases, queries: Queries) -> None:
        self.databases = databases
        self.queries = queries

    def _read(self, query: Query, *args: Any) -> Awaitable[Any]:
        return self.databases.read(lambda db: query(db, *args))

    def _search(self, query: Query, *args: Any) -> Awaitable[Any]:
        return self.databases.read(lambda db: query(db, *args), CUSTOM_PLAN)

    def _write(self, query: Query, *args: Any) -> Awaitable[Any]:
        return self.databases.write(lambda db: query(db, *args))
