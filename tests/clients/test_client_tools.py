"""What client authors run against the live /openapi.json: a Python client generated with
openapi-python-client, driven through every operation, and the Redocly and Spectral linters
(npm packages through npx) with the committed rulesets."""

import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import pytest

from tests.support.external import program
from tests.support.live import BIN, free_port, start_service, stop
from tests.support.paths import ROOT

REDOCLY = "@redocly/cli@2.77.0"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
PACKAGE = "chat_client"


def _document(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/openapi.json", timeout=10) as answer:
        return dict(json.load(answer))


@pytest.fixture
def client_package(live_server: tuple[str, Popen[bytes]], tmp_path: Path) -> Iterator[Any]:
    """The generated package, imported; removed from sys.modules afterwards."""
    base, _ = live_server
    subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--url",
            f"{base}/openapi.json",
            "--meta",
            "none",
            "--output-path",
            tmp_path / PACKAGE,
        ],
        check=True,
        capture_output=True,
        # It formats what it writes with ruff, found on PATH.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _operation(tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


def test_every_operation_has_a_short_unique_verb_noun_id(
    live_server: tuple[str, Popen[bytes]],
) -> None:
    document = _document(live_server[0])
    operations = [op for path in document["paths"].values() for op in path.values()]
    ids = [op.get("operationId") for op in operations]
    assert None not in ids
    assert len(set(ids)) == len(operations)
    assert all(len(name.split("_")) in (2, 3, 4) and name.islower() for name in ids)
    assert {"create_chat", "list_messages", "create_message", "delete_chat"} <= set(ids)


def test_a_generated_client_drives_every_operation(
    live_server: tuple[str, Popen[bytes]], client_package: Any
) -> None:
    base, _ = live_server
    models = importlib.import_module(f"{PACKAGE}.models")
    # An answer the document does not declare raises instead of parsing as None.
    with client_package.Client(base_url=base, raise_on_unexpected_status=True) as client:
        _drive_every_operation(client, models)
        _drive_the_webhook_operations(client, models)
        _drive_threads_reactions_and_pins(client, models)


def _drive_every_operation(client: Any, models: Any) -> None:

    chats = [
        _operation("chats", "create_chat").sync(client=client, body=models.ChatCreate(title=title))
        for title in ("Планы на выходные", "Рабочий чат", "Рабочие заметки")
    ]
    assert all(isinstance(chat, models.Chat) for chat in chats)
    chat = chats[1]

    post = _operation("messages", "create_message")
    first = post.sync_detailed(chat.id, client=client, body=models.MessageCreate(text="Привет"))
    assert first.status_code == 201
    assert isinstance(first.parsed, models.Message)
    assert first.headers["Location"] == f"/messages/{first.parsed.id}"
    key = "generated-client-1"
    once = post.sync_detailed(
        chat.id, client=client, body=models.MessageCreate(text="once"), idempotency_key=key
    )
    again = post.sync_detailed(
        chat.id, client=client, body=models.MessageCreate(text="once"), idempotency_key=key
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.parsed.id == once.parsed.id

    bulk = _operation("messages", "create_messages").sync(
        chat.id,
        client=client,
        body=models.MessagesBulkCreate(
            messages=[models.MessageCreate(text=f"bulk {n}") for n in range(5)]
        ),
    )
    assert [message.text for message in bulk] == [f"bulk {n}" for n in range(5)]

    opened = _operation("chats", "get_chat").sync_detailed(chat.id, client=client, limit=3)
    assert isinstance(opened.parsed, models.ChatWithMessages)
    assert opened.parsed.chat.message_count == 7
    assert [message.text for message in opened.parsed.messages] == ["bulk 4", "bulk 3", "bulk 2"]
    not_modified = _operation("chats", "get_chat").sync_detailed(
        chat.id, client=client, limit=3, if_none_match=opened.headers["ETag"]
    )
    assert not_modified.status_code == 304

    listing = _operation("messages", "list_messages")
    page = listing.sync_detailed(chat.id, client=client, limit=4)
    assert [message.text for message in page.parsed] == ["bulk 4", "bulk 3", "bulk 2", "bulk 1"]
    assert 'rel="next"' in page.headers["Link"]
    older = listing.sync(chat.id, client=client, limit=4, before_id=page.parsed[-1].id)
    assert [message.text for message in older] == ["bulk 0", "once", "Привет"]

    found = _operation("chats", "list_chats").sync_detailed(client=client, q="рабоч", limit=1)
    assert [c.title for c in found.parsed] == ["Рабочий чат"]
    assert "after_id" in found.headers["Link"]
    rest = _operation("chats", "list_chats").sync(
        client=client, q="рабоч", after_id=found.parsed[0].id
    )
    assert [c.title for c in rest] == ["Рабочие заметки"]

    marked = _operation("messages", "mark_read").sync(
        chat.id, client=client, body=models.ReadMarker(up_to_id=once.parsed.id)
    )
    assert isinstance(marked, models.ReadMarked)
    assert (marked.updated, marked.unread_count) == (2, 5)

    stats = _operation("chats", "get_chat_stats").sync(chat.id, client=client)
    assert isinstance(stats, models.ChatStats)
    assert stats.message_count == 7
    assert sum(day.count for day in stats.per_day) == 7

    message = _operation("messages", "get_message").sync(first.parsed.id, client=client)
    assert isinstance(message, models.Message)
    assert message.is_read

    reply = post.sync(
        chat.id, client=client, body=models.MessageCreate(text="Отвечаю", reply_to=first.parsed.id)
    )
    assert reply.reply_to == first.parsed.id
    edited = _operation("messages", "edit_message").sync(
        first.parsed.id, client=client, body=models.MessageEdit(text="Привет всем")
    )
    assert isinstance(edited, models.Message)
    assert edited.edited_at is not None
    renamed = _operation("chats", "rename_chat").sync(
        chat.id, client=client, body=models.ChatUpdate(title="Рабочие встречи")
    )
    assert isinstance(renamed, models.Chat)
    assert renamed.title == "Рабочие встречи"
    hits = _operation("messages", "search_messages").sync(client=client, q="привет", limit=10)
    assert [hit.text for hit in hits] == ["Привет всем"]
    assert "<mark>" in hits[0].snippet
    in_chat = listing.sync(chat.id, client=client, q="отвечаю")
    assert [message.text for message in in_chat] == ["Отвечаю"]
    deleted = _operation("messages", "delete_message").sync_detailed(reply.id, client=client)
    assert deleted.status_code == 204

    assert (
        _operation("chats", "delete_chat").sync_detailed(chat.id, client=client).status_code == 204
    )
    gone = _operation("chats", "get_chat").sync(chat.id, client=client)
    assert isinstance(gone, models.ErrorBody)
    assert gone.code == "chat_not_found"
    refused = post.sync(chats[0].id, client=client, body=models.MessageCreate(text="   "))
    assert isinstance(refused, models.ValidationErrorBody)
    assert refused.detail[0].loc == ["body", "text"]

    assert _operation("health", "get_health").sync(client=client).status == "ok"
    assert _operation("health", "get_database_health").sync(client=client).status == "ok"
    assert isinstance(_operation("health", "get_version").sync(client=client), models.VersionInfo)
    metrics = _operation("health", "get_metrics").sync_detailed(client=client)
    assert b"chat_api_http_requests_total" in metrics.content


def _drive_threads_reactions_and_pins(client: Any, models: Any) -> None:
    chat = _operation("chats", "create_chat").sync(
        client=client, body=models.ChatCreate(title="threads")
    )
    post = _operation("messages", "create_message")
    root = post.sync(chat.id, client=client, body=models.MessageCreate(text="root"))
    reply = post.sync(
        chat.id,
        client=client,
        body=models.MessageCreate.from_dict({"text": "re", "thread_id": root.id}),
    )
    assert reply.thread_id == root.id
    thread = _operation("messages", "list_thread").sync(root.id, client=client)
    assert [message.id for message in thread] == [reply.id]
    around = _operation("messages", "list_messages").sync(
        chat.id, client=client, around_id=root.id, limit=2, include_threads=True
    )
    assert [message.id for message in around] == [reply.id, root.id]

    for emoji in ("👍", "👨‍👩‍👧‍👦", ":tada:"):
        added = _operation("reactions", "add_reaction").sync_detailed(root.id, emoji, client=client)
        assert added.status_code == 201, emoji
        assert isinstance(added.parsed, models.Reacted)
        assert added.parsed.emoji == emoji
    who = _operation("reactions", "list_reactors").sync(root.id, "👍", client=client)
    assert len(who) == 1
    removed = _operation("reactions", "remove_reaction").sync_detailed(root.id, "👍", client=client)
    assert removed.status_code == 204
    refused = _operation("reactions", "add_reaction").sync(root.id, "nope", client=client)
    assert isinstance(refused, models.ValidationErrorBody)

    pinned = _operation("pins", "pin_message").sync_detailed(chat.id, root.id, client=client)
    assert pinned.status_code == 201
    assert pinned.parsed.pinned_at is not None
    pins = _operation("pins", "list_pins").sync(chat.id, client=client)
    assert [message.id for message in pins] == [root.id]
    assert [r.emoji for r in pins[0].reactions] == ["👨‍👩‍👧‍👦", ":tada:"]
    assert pins[0].thread.reply_count == 1
    unpinned = _operation("pins", "unpin_message").sync_detailed(chat.id, root.id, client=client)
    assert unpinned.status_code == 204


def _drive_the_webhook_operations(client: Any, models: Any) -> None:
    # A public address written as one: accepted without DNS (its deliveries go nowhere here).
    body = models.WebhookCreate.from_dict({"url": "https://93.184.216.34/hook", "events": ["*"]})
    created = _operation("webhooks", "create_webhook").sync_detailed(client=client, body=body)
    assert created.status_code == 201
    assert isinstance(created.parsed, models.WebhookWithSecret)
    assert created.parsed.secret.startswith("whsec_")
    webhook_id = created.parsed.id
    listed = _operation("webhooks", "list_webhooks").sync(client=client)
    assert [hook.id for hook in listed] == [webhook_id]
    changed = _operation("webhooks", "update_webhook").sync(
        webhook_id, client=client, body=models.WebhookUpdate.from_dict({"events": ["message"]})
    )
    assert isinstance(changed, models.Webhook)
    assert changed.events == ["message"]
    rotated = _operation("webhooks", "rotate_webhook_secret").sync(webhook_id, client=client)
    assert rotated.secret != created.parsed.secret
    ping = _operation("webhooks", "test_webhook").sync_detailed(webhook_id, client=client)
    assert ping.status_code == 202
    assert ping.parsed.event_id.startswith("ping_")
    attempts = _operation("webhooks", "list_webhook_deliveries").sync(webhook_id, client=client)
    assert isinstance(attempts, list)
    got = _operation("webhooks", "get_webhook").sync(webhook_id, client=client)
    assert isinstance(got, models.Webhook)
    assert got.previous_secret_until is not None
    refused = _operation("webhooks", "create_webhook").sync(
        client=client,
        body=models.WebhookCreate.from_dict({"url": "https://127.0.0.1/", "events": ["*"]}),
    )
    assert isinstance(refused, models.ValidationErrorBody)
    assert refused.detail[0].type_ == "url_not_allowed"
    deleted = _operation("webhooks", "delete_webhook").sync_detailed(webhook_id, client=client)
    assert deleted.status_code == 204
    gone = _operation("webhooks", "get_webhook").sync(webhook_id, client=client)
    assert isinstance(gone, models.ErrorBody)
    assert gone.code == "webhook_not_found"


def test_a_generated_client_drives_the_people_operations(
    database_url: str, tmp_path: Path, client_package: Any
) -> None:
    """The same package against a service with API keys: members, joining, the inbox."""
    models = importlib.import_module(f"{PACKAGE}.models")
    port = free_port()
    process = start_service(database_url, port, tmp_path, AUTH_MODE="api_key")
    try:
        tokens = {user: _key(database_url, user) for user in ("ann", "bob")}
        base = f"http://127.0.0.1:{port}"
        with (
            client_package.AuthenticatedClient(
                base_url=base, token=tokens["ann"], raise_on_unexpected_status=True
            ) as ann,
            client_package.AuthenticatedClient(
                base_url=base, token=tokens["bob"], raise_on_unexpected_status=True
            ) as bob,
        ):
            _drive_the_people_operations(ann, bob, models)
    finally:
        stop(process)


def _key(database_url: str, user: str) -> str:
    created = subprocess.run(
        [BIN / "chat-api", "keys", "create", "--name", user, "--scopes", "read,write"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return created.stdout.split()[-1]


def _drive_the_people_operations(ann: Any, bob: Any, models: Any) -> None:
    me = _operation("people", "get_me").sync(client=ann)
    assert isinstance(me, models.User)
    assert me.id == "ann"
    renamed = _operation("people", "update_me").sync(
        client=ann, body=models.ProfileUpdate.from_dict({"display_name": "Ann"})
    )
    assert renamed.display_name == "Ann"
    assert _operation("people", "get_user").sync("ann", client=bob).display_name == "Ann"

    create = _operation("chats", "create_chat")
    private = create.sync(client=ann, body=models.ChatCreate.from_dict({"title": "team"}))
    public = create.sync(
        client=ann, body=models.ChatCreate.from_dict({"title": "lobby", "visibility": "public"})
    )
    added = _operation("members", "put_member").sync_detailed(
        private.id, "bob", client=ann, body=models.RoleChange.from_dict({"role": "member"})
    )
    assert added.status_code == 201
    assert isinstance(added.parsed, models.Membership)
    members = _operation("members", "list_members").sync(private.id, client=bob)
    assert [(m.user_id, m.role) for m in members] == [("ann", "owner"), ("bob", "member")]
    joined = _operation("members", "join_chat").sync_detailed(public.id, client=bob)
    assert joined.status_code == 201

    post = _operation("messages", "create_message")
    first = post.sync(private.id, client=ann, body=models.MessageCreate(text="one"))
    post.sync(private.id, client=ann, body=models.MessageCreate(text="two"))
    inbox = _operation("people", "list_my_chats").sync(client=bob)
    assert [item.chat.id for item in inbox] == [private.id, public.id]
    assert inbox[0].unread_count == 2
    assert inbox[0].last_message.text == "two"
    typing = _operation("messages", "send_typing")
    assert typing.sync_detailed(private.id, client=bob).status_code == 204
    refused = typing.sync_detailed(10**9, client=bob)
    assert refused.status_code == 404
    assert refused.parsed.code == "chat_not_found"
    unread = _operation("people", "get_my_unread").sync(client=bob)
    assert (unread.total_unread_count, unread.unread_chats) == (2, 1)
    mention = models.MessageCreate.from_dict({"text": "bob?", "mentions": ["bob"]})
    mentioned = post.sync(public.id, client=ann, body=mention)
    assert _operation("people", "get_my_unread").sync(client=bob).unread_mentions == 1
    mentions = _operation("people", "list_my_mentions").sync(client=bob)
    assert [message.id for message in mentions] == [mentioned.id]
    _operation("messages", "mark_read").sync(
        private.id, client=bob, body=models.ReadMarker(up_to_id=first.id + 1_000)
    )
    back = _operation("messages", "mark_unread").sync(
        private.id, client=bob, body=models.UnreadMarker(from_id=first.id)
    )
    assert isinstance(back, models.ReadMarked)
    assert (back.updated, back.unread_count) == (2, 2)
    left = _operation("members", "remove_member").sync_detailed(private.id, "bob", client=bob)
    assert left.status_code == 204
    hidden = _operation("chats", "get_chat").sync(private.id, client=bob)
    assert isinstance(hidden, models.ErrorBody)
    assert hidden.code == "chat_not_found"


@pytest.fixture(
    params=[
        {},
        {"AUTH_MODE": "api_key", "RATE_LIMIT_READ": "600/minute", "RATE_LIMIT_WRITE": "60/minute"},
    ],
    ids=["open", "secured"],
)
def linted_server(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The service as deployed on a laptop, and with keys and rate limits (the document then
    declares the bearer scheme, each scope, 401, 403 and 429)."""
    port = free_port()
    process = start_service(database_url, port, tmp_path, ACCESS_LOG="false", **request.param)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def _lint(tmp_path: Path, base: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Runs an npm linter over the live document, saved as openapi.json beside the committed
    rulesets (their ignore entries name that file)."""
    npx = program("npx")
    (tmp_path / "openapi.json").write_text(json.dumps(_document(base), ensure_ascii=False))
    for ruleset in ("redocly.yaml", ".redocly.lint-ignore.yaml", ".spectral.yaml"):
        shutil.copy(ROOT / ruleset, tmp_path / ruleset)
    return subprocess.run(
        [npx, "-y", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_redocly_recommended_finds_nothing(linted_server: str, tmp_path: Path) -> None:
    result = _lint(tmp_path, linted_server, REDOCLY, "lint", "openapi.json", "--format=stylish")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Woohoo! Your API description is valid." in result.stdout + result.stderr


def test_spectral_oas_finds_nothing(linted_server: str, tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        linted_server,
        SPECTRAL,
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--fail-severity",
        "hint",
        "openapi.json",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'hint' or higher found!" in result.stdout
