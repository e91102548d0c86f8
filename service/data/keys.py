"""API keys (sql/keys/): their rows, always on the primary (a replica could still show a key
revoked a moment ago). Tokens themselves are service.auth.keys' business."""

from typing import Any

import asyncpg

from service.data.base import DataModule
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import KeyNameTaken


class KeyRows(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.keys

    async def create(
        self, *, name: str, prefix: str, token_hash: bytes, scopes: list[str], user_id: str
    ) -> asyncpg.Record:
        try:
            return await self._write(
                self._sql.create_api_key, name, prefix, token_hash, scopes, user_id
            )
        except asyncpg.UniqueViolationError:
            raise KeyNameTaken(name) from None

    async def list(self) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self.databases.write(self._sql.list_api_keys)
        return rows

    async def revoke(self, name: str) -> bool:
        return await self._write(self._sql.revoke_api_key, name) is not None

    async def find(self, prefix: str) -> Any:
        """The key's row (id, name, user_id, scopes, token_hash, revoked), or None."""
        return await self._write(self._sql.find_api_key, prefix)

    async def touch(self, key_id: int) -> None:
        await self._write(self._sql.touch_api_key, key_id)
