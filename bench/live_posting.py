"""The live phase's posting runs (bench/live.py): posts into every chat with each followed by
a chat feed, against none, interleaved; and how the followed runs' frames came, counted by
the live clients, so a bus that falls behind cannot pass for one that keeps up."""

import statistics
import time
from dataclasses import dataclass

import psutil

from bench.config import Config, Dataset
from bench.harness import Load, Measurement, Target, cpu_seconds, free_port, median, run_wrk
from bench.live_services import Services, followers, stop_and_hear

FRAMES_GRACE_SECONDS = 1.0  # after a followed run, for its last frames to arrive


@dataclass
class Delivery:
    """The frames of the followed runs, worst run of each: the share of the posts whose frame
    came (a bus that falls behind delivers fewer by the end) and how late, p99; and the CPU
    the live clients' process used per post (median run), which the machine's two cores
    spent on them rather than on the service."""

    heard_share: float
    p99_ms: float
    clients_cpu_us: float


def measure_posting(
    services: Services, config: Config, data: Dataset, wrk: str, bus: str
) -> tuple[dict[bool, Measurement], Delivery]:
    """Posts into every ordinary chat with each followed by a chat feed, and with none; and
    how the followed runs' frames came."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first, last = data.chats
    post = Target("post", "POST", "/chats/{id}/messages", "", ids=(first, last),
                  body='{{"text": "live {n}"}}')  # fmt: skip
    load = Load(config.connections, config.duration)
    runs: dict[bool, list[Measurement]] = {True: [], False: []}
    deliveries: list[Delivery] = []
    with services.serve(port, bus, jwt_auth=False) as service:
        run_wrk(wrk, base, post, Load(config.connections, config.warmup))
        for run in range(config.runs):
            for followed in (True, False) if run % 2 == 0 else (False, True):
                if followed:
                    with followers(base, "--chats", str(first), str(last)) as clients:
                        used = cpu_seconds(psutil.Process(clients.pid))
                        measured = run_wrk(wrk, base, post, load, service)
                        time.sleep(FRAMES_GRACE_SECONDS)
                        used = cpu_seconds(psutil.Process(clients.pid)) - used
                        heard = stop_and_hear(clients)
                    runs[True].append(measured)
                    posts = measured.rps * config.duration
                    deliveries.append(
                        Delivery(heard.frames / posts, heard.p99_ms, used * 1e6 / posts)
                    )
                else:
                    runs[False].append(run_wrk(wrk, base, post, load, service))
    worst = Delivery(
        min(d.heard_share for d in deliveries),
        max(d.p99_ms for d in deliveries),
        statistics.median(d.clients_cpu_us for d in deliveries),
    )
    return {followed: median(measured) for followed, measured in runs.items()}, worst
