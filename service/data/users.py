"""Users (sql/users/): recorded the first time the API sees them, their public fields, and the
caller's display name."""

from typing import Any

from service.data.base import DataModule
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import UserNotFound
from service.domain.people import UserPublic

# How many users a process remembers having recorded; past it, it forgets them all and
# records again (an upsert that changes nothing) rather than grow.
SEEN_MAX = 100_000


def _user(row: Any) -> UserPublic:
    return UserPublic(id=row["id"], display_name=row["display_name"], created_at=row["created_at"])


class Users(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.users
        self._seen: set[tuple[str, str | None]] = set()

    async def record(self, user_id: str, display_name: str | None = None) -> None:
        """Records a user the first time this process sees it (with this display name)."""
        if (user_id, display_name) in self._seen:
            return
        await self._write(self._sql.record_user, user_id, display_name)
        if len(self._seen) >= SEEN_MAX:
            self._seen.clear()
        self._seen.add((user_id, display_name))

    async def get(self, user_id: str) -> UserPublic:
        row = await self._read(self._sql.get_user, user_id)
        if row is None:
            raise UserNotFound(user_id)
        return _user(row)

    async def set_display_name(self, user_id: str, display_name: str | None) -> UserPublic:
        return _user(await self._write(self._sql.set_display_name, user_id, display_name))
