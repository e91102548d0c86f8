"""The data layer as one object for the app and the commands: every data module over one set
of databases."""

from dataclasses import dataclass

from service.data.chats import Chats
from service.data.events import Events
from service.data.keys import KeyRows
from service.data.messages import Messages
from service.data.sql import Queries
from service.db.databases import Databases


@dataclass(frozen=True, slots=True)
class DataLayer:
    databases: Databases
    chats: Chats
    messages: Messages
    events: Events
    keys: KeyRows

    @classmethod
    def over(cls, databases: Databases, queries: Queries, *, delete_timeout: float) -> "DataLayer":
        chats = Chats(databases, queries, delete_timeout=delete_timeout)
        return cls(
            databases=databases,
            chats=chats,
            messages=Messages(databases, queries, chats=chats),
            events=Events(databases, queries),
            keys=KeyRows(databases, queries),
        )
