"""A crowd of API-key users for the tests of people and permissions."""

from service.auth.keys import ApiKeys
from tests.support.api import Client, bearer


class People:
    """An API-key client and a token per user (each user's key is named after it)."""

    def __init__(self, client: Client, keys: ApiKeys) -> None:
        self.client, self.keys = client, keys
        self.tokens: dict[str, str] = {}

    async def add(self, user: str, scopes: list[str] | None = None) -> dict[str, str]:
        token, _ = await self.keys.create(name=user, scopes=scopes or ["read", "write"])
        self.tokens[user] = token
        return bearer(token)

    def as_(self, user: str) -> dict[str, str]:
        return bearer(self.tokens[user])

    async def chat(self, owner: str, visibility: str = "private") -> int:
        answer = await self.client.post(
            "/chats", json={"title": "t", "visibility": visibility}, headers=self.as_(owner)
        )
        assert answer.status == 201, await answer.text()
        return int((await answer.json())["id"])

    async def put(self, chat_id: int, user: str, role: str = "member", by: str = "ann") -> int:
        answer = await self.client.put(
            f"/chats/{chat_id}/members/{user}", json={"role": role}, headers=self.as_(by)
        )
        return answer.status
