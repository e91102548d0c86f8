"""Full-text search of messages (sql/search/): the hits the caller may see, most relevant
first, each with a snippet."""

import html
import json

from service.data.base import DataModule
from service.data.members import Members
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.people import Viewer
from service.domain.search import SearchHit


class Search(DataModule):
    def __init__(self, databases: Databases, queries: Queries, *, members: Members) -> None:
        super().__init__(databases, queries)
        self._sql = queries.search
        self._members = members

    async def messages(
        self,
        *,
        tsquery: str | None,
        chat_ids: list[int] | None,
        after: tuple[float, int] | None,
        limit: int,
        viewer: Viewer,
        in_chat: int | None = None,
        include_threads: bool = False,
    ) -> list[SearchHit]:
        """Hits in chat_ids (None: all) among the chats the viewer may see; with in_chat,
        that chat's, and ChatNotFound when the viewer may not see it."""
        if in_chat is not None:
            chat_ids = [in_chat]
            await self._members.require(viewer, in_chat, "see")
        if tsquery is None:  # the text had no word: nothing can match
            return []
        rank, after_id = after if after is not None else (None, None)
        rows = await self._search(
            self._sql.search_messages,
            tsquery,
            chat_ids,
            rank,
            after_id,
            limit,
            *viewer.args,
            include_threads,
        )
        return [
            SearchHit.model_validate(
                {
                    **json.loads(row["message"]),
                    "rank": row["rank"],
                    "snippet": _marked(row["snippet"]),
                }
            )
            for row in rows
        ]


def _marked(snippet: str) -> str:
    """The database marks matches with chr(2)/chr(3): HTML-escape the text, then mark them."""
    return html.escape(snippet, quote=False).replace("\x02", "<mark>").replace("\x03", "</mark>")
