"""Fixtures of the API tests: a crowd of users on an API-key service."""

import pytest

from service.api.appkeys import AUTHENTICATOR
from tests.support.api import MakeClient
from tests.support.people import People


@pytest.fixture
async def people(make_client: MakeClient) -> People:
    client = await make_client(auth_mode="api_key")
    crowd = People(client, client.app[AUTHENTICATOR])  # type: ignore[arg-type]
    for user in ("ann", "bob", "cat"):
        await crowd.add(user)
    return crowd
