from tests.conftest import Client


async def test_create_and_open_chat(client: Client) -> None:
    created = await client.post("/chats", json={"title": "  Hello  "})
    assert created.status == 201
    chat = await created.json()
    assert chat["title"] == "Hello"
    opened = await client.get(f"/chats/{chat['id']}")
    assert opened.status == 200
    assert (await opened.json())["chat"] == chat
