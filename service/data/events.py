"""The event log and who follows what (sql/events/): what live feeds catch up from, and which
chats' messages the database announces."""

import asyncpg
from pydantic import TypeAdapter

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.cursors import FeedCursor
from service.domain.errors import ChatNotFound
from service.domain.events import ChatChange, FeedEvent, LogChanges, UserChange, UserEvent
from service.domain.people import Viewer

_EVENTS = TypeAdapter(list[FeedEvent])
_USER_EVENTS = TypeAdapter(list[UserEvent])
_CHAT_CHANGES = TypeAdapter(list[ChatChange])
_USER_CHANGES = TypeAdapter(list[UserChange])


class Events(DataModule):
    """Everything here runs on the primary: the log must not lag behind the notifications,
    and chat_followers is the primary's."""

    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.events

    async def listener_pid(self, connection: asyncpg.Connection) -> int:
        """The backend pid of a LISTEN connection: its name in chat_followers."""
        return int(await self._sql.listener_pid(connection))

    async def follow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        require_chat_id(chat_id)
        await self.databases.primary.run(
            lambda db: self._sql.follow_chat(db, chat_id, listener_pid)
        )

    async def unfollow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        require_chat_id(chat_id)
        await self.databases.primary.run(
            lambda db: self._sql.unfollow_chat(db, chat_id, listener_pid)
        )

    async def forget_stale_followers(self) -> None:
        await self.databases.primary.run(self._sql.forget_stale_followers)

    async def forget_listener(self, *, listener_pid: int) -> None:
        await self._write(self._sql.forget_listener, listener_pid)

    async def sweep_user_followers(self, *, listener_pid: int) -> set[str]:
        """Refreshes this process's user records, drops expired ones; whose those were."""
        rows = await self._write(self._sql.sweep_user_followers, listener_pid)
        return {str(row["user_id"]) for row in rows}

    async def newest_event(self, *, chat_id: int) -> int:
        row = None
        if can_exist(chat_id):
            row = await self._write(self._sql.newest_chat_event, chat_id)
        if row is None:
            raise ChatNotFound(chat_id)
        return int(row["newest"])

    async def events_since(
        self, *, chat_id: int, after_id: int, limit: int, viewer: Viewer
    ) -> list[FeedEvent]:
        """The chat's events after an event id, oldest first (a live feed's catch-up), with
        is_read as the viewer sees it; ChatNotFound when the viewer may no longer see it. Read
        on the primary: a lagging replica could miss what the notifications already passed."""
        document = None
        if can_exist(chat_id):
            document = await self._write(
                self._sql.list_chat_events, chat_id, after_id, limit, *viewer.args
            )
        if document is None:
            raise ChatNotFound(chat_id)
        return _EVENTS.validate_json(document)

    async def current_snapshot(self) -> str:
        return str(await self._write(self._sql.current_snapshot))

    async def follow_user(self, *, user: str, listener_pid: int, notified: bool) -> list[int]:
        """Records the user online here and, when `notified`, announces changes addressed to
        `user` to this process and follows the user's chats (one statement); the chats' ids."""
        rows = await self._write(self._sql.follow_user, user, listener_pid, notified)
        return [int(row["chat_id"]) for row in rows]

    async def unfollow_user(
        self, *, user: str | None, listener_pid: int, chat_ids: list[int]
    ) -> None:
        """Stops following those chats, and the user unless None (another feed remains)."""
        await self._write(self._sql.unfollow_user, user, listener_pid, chat_ids)

    async def user_events(
        self, *, user: str, cursor: FeedCursor, limit: int
    ) -> tuple[str, list[UserEvent]]:
        """The next page after `cursor` (see domain/cursors.py), and the snapshot it was read
        up to."""
        row = await self._write(
            self._sql.list_user_events, user, cursor.base, cursor.target, cursor.after, limit
        )
        return str(row["target"]), _USER_EVENTS.validate_json(row["events"])

    async def log_changes(self, *, since: str) -> tuple[str, LogChanges]:
        """Whom the events committed since snapshot `since` concern, and the snapshot read up
        to (the next call's `since`)."""
        row = await self._write(self._sql.list_log_changes, since)
        changes = LogChanges(
            chats=_CHAT_CHANGES.validate_json(row["chats"]),
            users=_USER_CHANGES.validate_json(row["users"]),
        )
        return str(row["target"]), changes

    async def new_process_id(self) -> int:
        """A process on the Redis bus: its name in user_followers."""
        return int(await self._write(self._sql.new_process_id))

    async def prune_events(self, *, older_than_hours: int, batch: int) -> int:
        return int(await self._write(self._sql.prune_events, older_than_hours, batch))

    async def announce_typing(self, *, chat_id: int, user: str) -> bool:
        """Whether it went out (at most once per member and chat per 2 s). The caller has
        checked that `user` is a member."""
        return bool(await self._write(self._sql.announce_typing, chat_id, user))

    async def user_online(self, *, user: str) -> bool:
        return bool(await self._write(self._sql.user_online, user))

    async def announce_presence(self, *, user: str, online: bool) -> None:
        await self._write(self._sql.announce_presence, user, online)

    async def chats_of_user(self, *, user: str) -> list[int]:
        rows = await self._write(self._sql.chats_of_user, user)
        return [int(row["chat_id"]) for row in rows]
