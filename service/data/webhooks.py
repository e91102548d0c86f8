"""Webhooks (sql/webhooks/): their rows, their attempts, pings, and the operators' retry and
disable. Always on the primary: a webhook just created or rotated must be what GET shows."""

from typing import Any

import asyncpg

from service.data.base import DataModule, can_exist
from service.data.sql import Queries
from service.db.databases import Databases
from service.db.queries import Query
from service.domain.webhooks import (
    AttemptList,
    AttemptsPageQuery,
    WebhookCreate,
    WebhookList,
    WebhookNotFound,
    WebhookPublic,
    WebhookUpdate,
    WebhookWithSecret,
)

DELETE_TRIES = 3
# How long a rotated-out secret keeps signing beside the new one.
ROTATION_OVERLAP_HOURS = 24


class Webhooks(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.webhooks

    async def create(self, webhook: WebhookCreate, *, secret: str) -> WebhookWithSecret:
        row = await self._write(
            self._sql.create_webhook,
            webhook.url,
            webhook.events,
            webhook.chat_id,
            webhook.description,
            secret,
        )
        return WebhookWithSecret.model_validate(dict(row))

    async def get(self, webhook_id: int) -> WebhookPublic:
        row = await self._existing(self._sql.get_webhook, webhook_id)
        return WebhookPublic.model_validate(dict(row))

    async def list(self, *, after_id: int, limit: int) -> WebhookList:
        rows = await self._write(self._sql.list_webhooks, after_id, limit)
        return WebhookList([WebhookPublic.model_validate(dict(row)) for row in rows])

    async def update(self, webhook_id: int, change: WebhookUpdate) -> WebhookPublic:
        row = await self._existing(
            self._sql.update_webhook,
            webhook_id,
            change.url,
            change.events,
            change.description,
            change.enabled,
            "chat_id" in change.model_fields_set,
            change.chat_id,
        )
        return WebhookPublic.model_validate(dict(row))

    async def delete(self, webhook_id: int) -> None:
        """With its queue (ON DELETE CASCADE), once its row and then its lanes are locked in
        the workers' order (see lock_webhook.sql). Should PostgreSQL still cancel it to end
        a deadlock, it is made again."""
        if not can_exist(webhook_id):
            raise WebhookNotFound(webhook_id)

        async def delete(db: asyncpg.Connection) -> bool:
            async with db.transaction():
                if await self._sql.lock_webhook(db, webhook_id) is None:
                    return False
                await self._sql.lock_webhook_lanes(db, webhook_id)
                return await self._sql.delete_webhook(db, webhook_id) is not None

        for tries_left in reversed(range(DELETE_TRIES)):
            try:
                deleted = await self.databases.write(delete)
                break
            except asyncpg.DeadlockDetectedError:
                if not tries_left:
                    raise
        if not deleted:
            raise WebhookNotFound(webhook_id)

    async def rotate_secret(self, webhook_id: int, *, secret: str) -> WebhookWithSecret:
        row = await self._existing(
            self._sql.rotate_secret, webhook_id, secret, ROTATION_OVERLAP_HOURS
        )
        return WebhookWithSecret.model_validate(dict(row))

    async def queue_ping(self, webhook_id: int) -> str:
        row = await self._existing(self._sql.queue_ping, webhook_id)
        return str(row["event_id"])

    async def attempts(self, webhook_id: int, page: AttemptsPageQuery) -> AttemptList:
        await self.get(webhook_id)
        rows = await self._write(self._sql.list_attempts, webhook_id, page.before_id, page.limit)
        return AttemptList.model_validate([{**row, "type": row["event"]} for row in rows])

    async def retry_failed(self, webhook_id: int) -> int:
        """Failed deliveries due again and the webhook enabled; how many are due again."""
        count = None
        if can_exist(webhook_id):
            count = await self._write(self._sql.retry_failed, webhook_id)
        if count is None:
            raise WebhookNotFound(webhook_id)
        return int(count)

    async def disable(self, webhook_id: int, *, reason: str) -> None:
        await self._existing(self._sql.disable_webhook, webhook_id, reason)

    async def _existing(self, query: Query, webhook_id: int, *args: Any) -> dict[str, Any]:
        row = None
        if can_exist(webhook_id):
            row = await self._write(query, webhook_id, *args)
        if row is None:
            raise WebhookNotFound(webhook_id)
        return dict(row)
