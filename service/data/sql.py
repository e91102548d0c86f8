"""Every statement in sql/, folder by folder: one annotation per file, so a call reads
`queries.messages.create_message(...)` and names `sql/messages/create_message.sql`. Loading
fails at start-up on a declared file that is missing, a malformed one, and one nothing declares."""

from dataclasses import dataclass, fields
from pathlib import Path

from service.db.databases import HealthQueries
from service.db.files import sql_dir
from service.db.gate import SessionQueries
from service.db.queries import Query, QueryFileError, QueryFolder
from service.db.replicas import ReplicationQueries


class ChatQueries(QueryFolder, folder="chats"):
    create_chat: Query
    delete_chat: Query
    get_chat_stats: Query
    get_chat_with_messages: Query
    insert_chats: Query
    insert_missing_chats: Query
    list_chats_backward: Query
    list_chats_forward: Query
    lock_chat: Query
    search_chats_backward: Query
    search_chats_forward: Query
    update_chat: Query


class MessageQueries(QueryFolder, folder="messages"):
    create_message: Query
    create_message_once: Query
    create_messages: Query
    delete_message: Query
    edit_message: Query
    get_message: Query
    get_message_owner: Query
    get_new_messages: Query
    prune_idempotency_keys: Query


class EventQueries(QueryFolder, folder="events"):
    announce_presence: Query
    announce_typing: Query
    chats_of_user: Query
    current_snapshot: Query
    follow_chat: Query
    follow_user: Query
    forget_listener: Query
    forget_stale_followers: Query
    list_chat_events: Query
    list_log_changes: Query
    list_user_events: Query
    listener_pid: Query
    new_process_id: Query
    newest_chat_event: Query
    prune_events: Query
    sweep_user_followers: Query
    unfollow_chat: Query
    unfollow_user: Query
    user_online: Query


class MemberQueries(QueryFolder, folder="members"):
    chat_access: Query
    list_members: Query
    put_member: Query
    remove_member: Query
    which_members: Query


class ReadingQueries(QueryFolder, folder="reading"):
    mark_member_read: Query
    mark_member_unread: Query
    mark_read: Query
    mark_unread: Query


class UserQueries(QueryFolder, folder="users"):
    get_user: Query
    record_user: Query
    set_display_name: Query


class InboxQueries(QueryFolder, folder="inbox"):
    list_inbox: Query
    list_mentions: Query
    unread_summary: Query


class TimelineQueries(QueryFolder, folder="timeline"):
    list_messages: Query
    list_messages_after: Query
    list_messages_around: Query
    list_messages_before: Query
    list_messages_between: Query


class SearchQueries(QueryFolder, folder="search"):
    search_messages: Query


class ThreadQueries(QueryFolder, folder="threads"):
    list_thread: Query


class ReactionQueries(QueryFolder, folder="reactions"):
    add_reaction: Query
    list_reactors: Query
    remove_reaction: Query


class PinQueries(QueryFolder, folder="pins"):
    list_pins: Query
    pin_message: Query
    unpin_message: Query


class KeyQueries(QueryFolder, folder="keys"):
    create_api_key: Query
    find_api_key: Query
    list_api_keys: Query
    revoke_api_key: Query
    touch_api_key: Query


class WebhookQueries(QueryFolder, folder="webhooks"):
    create_webhook: Query
    delete_webhook: Query
    disable_webhook: Query
    get_webhook: Query
    list_attempts: Query
    list_webhooks: Query
    lock_webhook: Query
    lock_webhook_lanes: Query
    queue_ping: Query
    retry_failed: Query
    rotate_secret: Query
    update_webhook: Query


class DeliveryQueries(QueryFolder, folder="deliveries"):
    claim_deliveries: Query
    lock_lanes: Query
    lock_webhooks: Query
    prune_deliveries: Query
    queue_events: Query
    record_attempts: Query
    update_streak: Query
    webhook_backlog: Query


@dataclass(frozen=True, slots=True)
class Queries:
    """All of sql/: the data modules' folders, and the database layer's own (service/db/)."""

    chats: ChatQueries
    messages: MessageQueries
    events: EventQueries
    members: MemberQueries
    reading: ReadingQueries
    users: UserQueries
    inbox: InboxQueries
    timeline: TimelineQueries
    search: SearchQueries
    threads: ThreadQueries
    reactions: ReactionQueries
    pins: PinQueries
    keys: KeyQueries
    webhooks: WebhookQueries
    deliveries: DeliveryQueries
    health: HealthQueries
    replication: ReplicationQueries
    session: SessionQueries


def load_queries(root: Path | None = None) -> Queries:
    """Reads sql/ (or `root`) once; QueryFileError names the first file that is wrong."""
    root = root or sql_dir()
    folders = {field.name for field in fields(Queries)}  # each named as its folder
    stray = sorted(
        path.name
        for path in root.iterdir()
        if path.suffix == ".sql" or (path.is_dir() and path.name not in folders)
    )
    if stray:
        raise QueryFileError(f"{root}: nothing calls {', '.join(stray)}")
    return Queries(
        chats=ChatQueries.load(root),
        messages=MessageQueries.load(root),
        events=EventQueries.load(root),
        members=MemberQueries.load(root),
        reading=ReadingQueries.load(root),
        users=UserQueries.load(root),
        inbox=InboxQueries.load(root),
        timeline=TimelineQueries.load(root),
        search=SearchQueries.load(root),
        threads=ThreadQueries.load(root),
        reactions=ReactionQueries.load(root),
        pins=PinQueries.load(root),
        keys=KeyQueries.load(root),
        webhooks=WebhookQueries.load(root),
        deliveries=DeliveryQueries.load(root),
        health=HealthQueries.load(root),
        replication=ReplicationQueries.load(root),
        session=SessionQueries.load(root),
    )
