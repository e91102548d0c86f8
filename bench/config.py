"""What the benchmark runs: the full and smoke configurations, the dataset's ids, the paths
it drives, and a path's result."""

from dataclasses import dataclass, field

from bench.harness import Measurement, Target
from service.domain.fields import MAX_BIGINT


@dataclass(frozen=True)
class Config:
    duration: int  # seconds per wrk or pgbench run
    runs: int  # the reported figure is the median of these
    connections: int
    chats: int
    messages_per_chat: int
    big_chat_messages: int
    delete_pool: int
    huge_chat_messages: int  # the chat the bench deletes last
    workers: int  # the per-path table's (the contest takes --workers)
    pgbench_clients: int
    contest_connections: tuple[int, ...]
    warmup: int  # seconds of wrk before each measured contest run
    crowd_members: int  # the members of the chat a post goes into (bench/people.py)
    inbox_chats: int  # the chats of the user whose inbox is measured
    idle_feeds: int  # idle user feeds held open on one process (bench/live.py)
    live_rates: tuple[int, ...]  # posts a second while a post's way to a user feed is timed


FULL = Config(
    duration=10,
    runs=3,
    connections=64,
    chats=1000,
    messages_per_chat=100,
    big_chat_messages=1_000_000,
    delete_pool=400_000,
    huge_chat_messages=5_000_000,
    # The service's default. Here PostgreSQL and wrk share the same two cores: a second worker
    # added no throughput and doubled p99 (tail requests wait for a core).
    workers=1,
    pgbench_clients=8,
    contest_connections=(64, 256),
    warmup=3,
    crowd_members=10_000,
    inbox_chats=5_000,
    idle_feeds=10_000,
    live_rates=(200, 500),
)
SMOKE = Config(
    duration=1,
    runs=1,
    connections=8,
    chats=20,
    messages_per_chat=10,
    big_chat_messages=2_000,
    delete_pool=20_000,
    huge_chat_messages=20_000,
    workers=1,
    pgbench_clients=2,
    contest_connections=(8,),
    warmup=1,
    crowd_members=50,
    inbox_chats=20,
    idle_feeds=50,
    live_rates=(50,),
)


@dataclass(frozen=True)
class Dataset:
    """Ids in a fresh database seeded in this order: the big chat, the ordinary chats, then
    empty chats for the delete path."""

    big_chat: int
    huge_chat: int
    chats: tuple[int, int]
    delete_pool: tuple[int, int]
    big_messages: tuple[int, int]
    messages: tuple[int, int]


@dataclass
class PathResult:
    name: str
    method: str
    path: str
    service: Measurement
    db_tps: float | None
    runs: list[Measurement] = field(default_factory=list)

    @property
    def db_ratio(self) -> float | None:
        return self.service.rps / self.db_tps if self.db_tps else None


def paths(data: Dataset) -> list[Target]:
    big, (c_lo, c_hi) = data.big_chat, data.chats
    d_lo, d_hi = data.delete_pool
    m_lo, m_hi = data.messages
    b_lo, b_hi = data.big_messages
    d_mid = (d_lo + d_hi) // 2  # the service deletes from the bottom, pgbench from the top half
    return [
        Target("open chat (latest 20)", "GET", "/chats/{id}", "get_chat_with_messages",
              ids=(c_lo, c_hi), pg_params=((c_lo, c_hi), "20", None, "false", "false")),
        Target("open the 1M-message chat", "GET", f"/chats/{big}", "get_chat_with_messages",
              pg_params=(str(big), "20", None, "false", "false")),
        Target("page messages (keyset, 100)", "GET",
              f"/chats/{big}/messages?limit=100&before_id={{id}}", "list_messages_before",
              ids=(b_lo + 1, b_hi),
              pg_params=(str(big), (b_lo + 1, b_hi), "0", "100", None, "false", "false")),
        Target("get one message", "GET", "/messages/{id}", "get_message",
              ids=(m_lo, m_hi), pg_params=((m_lo, m_hi), None, "false")),
        Target("list chats (100)", "GET", "/chats?limit=100", "list_chats_forward",
               pg_params=("0", str(MAX_BIGINT), "0", "100", None, "false")),
        Target("post message", "POST", "/chats/{id}/messages", "create_message",
              ids=(c_lo, c_hi), body='{{"text": "bench message {n}"}}',
              pg_params=((c_lo, c_hi), "bench message", None, None, "false", None, "{}")),
        Target("create chat", "POST", "/chats", "create_chat", body='{{"title": "bench {n}"}}',
              pg_params=("bench chat", "public", None)),
        Target("delete chat", "DELETE", "/chats/{id}", "delete_chat", ids=(d_lo, d_mid),
              sequential=True, pg_params=((d_mid + 1, d_hi),)),
    ]  # fmt: skip
