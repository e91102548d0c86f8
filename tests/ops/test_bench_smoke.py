"""The benchmark's smoke mode (seconds, tiny dataset) runs with the tests, so it cannot rot."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

# Runs the benchmark (wrk, pgbench, three servers) on a tiny dataset.
pytestmark = [pytest.mark.component, pytest.mark.slow]

PATHS = {
    "open chat (latest 20)",
    "open the 1M-message chat",
    "page messages (keyset, 100)",
    "get one message",
    "list chats (100)",
    "post message",
    "create chat",
    "delete chat",
}


def test_bench_smoke_mode_measures_every_path(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install wrk (.ci/run does)")
        pytest.skip("wrk is not installed on this machine (CI installs it; make bench can too)")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", tmp_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads((tmp_path / "latest.json").read_text())
    assert {path["name"] for path in report["paths"]} == PATHS
    for path in report["paths"]:
        assert path["service"]["rps"] > 0, path["name"]
        assert path["service"]["errors"] == 0, path["name"]
        assert path["db_tps"] > 0, path["name"]
    assert report["http_ceiling"]["rps"] > 0
    contest = {(entry["contestant"], entry["path"]): entry for entry in report["contest"]}
    assert set(contest) == {
        (contestant, path)
        for contestant in ("service", "bare stack", "peer")
        for path in ("open chat (latest 20)", "post message")
    }
    for (contestant, path), entry in contest.items():
        assert (entry["workers"], entry["connections"]) == (1, 8)
        assert entry["result"]["rps"] > 0, (contestant, path)
        assert entry["result"]["errors"] == 0, (contestant, path)
        assert entry["result"]["cpu_us"] > 0, (contestant, path)
    assert report["paging"]["pages"] > 1
    big = report["big"]
    assert big["marked"] == 2_000, "the big chat was marked read in full"
    assert big["mark_read_ms"] > 0
    assert big["post_meanwhile_ms"] > 0
    assert big["stats_p50_ms"] > 0
    assert big["search_p50_ms"] > 0
    assert big["search_common_p50_ms"] > 0
    assert big["deleted"], "the huge chat could be deleted"
    assert big["latest_page_p50_ms"] > 0
    assert big["around_p50_ms"] > 0
    decorated = report["decorated"]
    assert decorated["plain_p50_ms"] > 0
    assert decorated["decorated_p50_ms"] > 0
    assert 0 < report["peak_worker_rss_mb"] < 1024
    people = report["people"]
    assert people["behind"] > 2_000, "the member behind has read nothing of the big chat"
    assert people["inbox_chats"] == 20
    for figure in ("post_crowd_rps", "post_alone_rps", "behind_p50_ms", "totals_p50_ms"):
        assert people[figure] > 0, figure
    assert people["inbox_p50_ms"] > 0
    assert people["open_chat"]["errors"] == 0
    assert people["open_chat_plain"]["errors"] == 0
    assert people["open_chat"]["rps"] > 0
    live = report["live"]
    for bus in ("postgres", "redis"):
        for figures in (live["posts_followed"], live["posts_alone"]):
            assert figures[bus]["rps"] > 0, bus
            assert figures[bus]["errors"] == 0, bus
    assert [(t["bus"], t["rate"], t["refused"]) for t in live["latencies"]] == [
        ("postgres", 50, 0),
        ("redis", 50, 0),
    ]
    for timed in live["latencies"]:
        assert timed["p99_ms"] >= timed["p50_ms"] >= 0
        assert timed["typing_p99_ms"] > 0
    assert (live["idle_feeds"], live["connect_chats"]) == (50, 20)
    assert live["idle_kb_per_feed"] > 0
    assert live["connect_many_p50_ms"] > 0
    hooks = report["webhooks"]
    for figures in (hooks["posts_hooked"], hooks["posts_alone"]):
        assert figures["rps"] > 0
        assert figures["errors"] == 0
    assert (hooks["rate"], hooks["refused"], hooks["undelivered"]) == (50, 0, 0)
    assert hooks["p99_ms"] >= hooks["p50_ms"] >= 0
    table = (tmp_path / "latest.md").read_text()
    assert "| open chat (latest 20) |" in table
    assert "messages read ≤ 50 ms" in table
    assert "-message chat succeeds" in table
    assert "costs what one into a chat of 1 does" in table
    assert "the first inbox page for a user in 20 chats" in table
    assert "posting with every chat followed live" in table
    assert "memory per idle user feed, 50 on one process" in table
    assert "posting with 3 webhooks on every event" in table
    assert "| 1 | 8 | post message |" in table, "the contest table"
    assert "the peer's req/s (1 worker(s), 8 connections)" in table
    assert "| 1 | open chat (latest 20) |" in (tmp_path / "scaling.md").read_text()
    for chart in ("latest.png", "scaling.png"):
        assert (tmp_path / chart).read_bytes().startswith(b"\x89PNG")


def test_bench_workers_knob_takes_whole_counts_and_refuses_anything_else() -> None:
    from bench.run import main, worker_counts

    assert worker_counts("1 2 4") == [1, 2, 4]
    assert worker_counts("2 2 1") == [2, 1]
    for bad in ("", "0", "1 x", "-1", "1.5"):
        with pytest.raises(SystemExit) as refused:
            main(["--smoke", "--workers", bad])
        assert refused.value.code == 2, bad
