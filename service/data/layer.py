"""The data layer as one object for the app and the commands: every data module over one set
of databases."""

from dataclasses import dataclass

from service.data.chats import Chats
from service.data.deliveries import Deliveries
from service.data.events import Events
from service.data.inbox import Inboxes
from service.data.keys import KeyRows
from service.data.members import Members
from service.data.messages import Messages
from service.data.pins import Pins
from service.data.reactions import Reactions
from service.data.reading import ReadPositions
from service.data.search import Search
from service.data.sql import Queries
from service.data.threads import Threads
from service.data.timeline import Timeline
from service.data.users import Users
from service.data.webhooks import Webhooks
from service.db.databases import Databases


@dataclass(frozen=True, slots=True)
class DataLayer:
    databases: Databases
    chats: Chats
    messages: Messages
    events: Events
    members: Members
    reading: ReadPositions
    users: Users
    inbox: Inboxes
    timeline: Timeline
    search: Search
    threads: Threads
    reactions: Reactions
    pins: Pins
    keys: KeyRows
    webhooks: Webhooks
    deliveries: Deliveries

    @classmethod
    def over(cls, databases: Databases, queries: Queries, *, delete_timeout: float) -> "DataLayer":
        chats = Chats(databases, queries, delete_timeout=delete_timeout)
        members = Members(databases, queries, chats=chats)
        return cls(
            databases=databases,
            chats=chats,
            messages=Messages(databases, queries, members=members),
            events=Events(databases, queries),
            members=members,
            reading=ReadPositions(databases, queries, chats=chats, members=members),
            users=Users(databases, queries),
            inbox=Inboxes(databases, queries),
            timeline=Timeline(databases, queries),
            search=Search(databases, queries, members=members),
            threads=Threads(databases, queries),
            reactions=Reactions(databases, queries),
            pins=Pins(databases, queries),
            keys=KeyRows(databases, queries),
            webhooks=Webhooks(databases, queries),
            deliveries=Deliveries(databases, queries),
        )
