"""What a measurement says: the targets met or not, the markdown tables, the chart, and the
tables in docs/performance.md."""

from pathlib import Path
from typing import Any

from bench.big import big_targets
from bench.decorated import decorated_targets
from bench.harness import ROOT, WRK_THREADS
from bench.live import live_targets
from bench.people import people_targets
from bench.scaling import contest_table, contest_targets, scaling_table
from bench.webhooks import webhook_targets

PERFORMANCE_PAGE = ROOT / "docs" / "performance.md"


def targets(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    by_name = {result.name: result for result in report["paths"]}
    open_chat, post = by_name["open chat (latest 20)"], by_name["post message"]
    big = by_name["open the 1M-message chat"]
    paging = report["paging"]
    paging_growth = paging["last_tenth_ms"] / paging["first_tenth_ms"]
    return [
        *contest_targets(report["contest"]),
        ("p99 ≤ 50 ms on open chat and post message",
         f"{open_chat.service.p99_ms:.1f} / {post.service.p99_ms:.1f} ms",
         max(open_chat.service.p99_ms, post.service.p99_ms) <= 50),
        ("1M-message chat opens within 1.3× a 100-message chat (p50)",
         f"{big.service.p50_ms / open_chat.service.p50_ms:.2f}×",
         big.service.p50_ms <= 1.3 * open_chat.service.p50_ms),
        ("paging cost linear: last tenth of pages ≤ 1.5× the first tenth",
         f"{paging_growth:.2f}× ({paging['pages']} pages, {paging['total_s']:.1f} s)",
         paging_growth <= 1.5),
        ("worker RSS < 150 MB", f"{report['peak_worker_rss_mb']:.0f} MB",
         report["peak_worker_rss_mb"] < 150),
        *big_targets(report["big"]),
        *decorated_targets(report["decorated"]),
        *people_targets(report["people"]),
        *live_targets(report["live"]),
        *webhook_targets(report["webhooks"]),
    ]  # fmt: skip


def markdown(report: dict[str, Any]) -> str:
    config, http = report["config"], report["http_ceiling"]
    lines = [
        f"{config['workers']} worker(s), wrk {WRK_THREADS} threads × {config['connections']} "
        f"connections, median of {config['runs']} × {config['duration']} s; pgbench -M prepared "
        f"-c {config['pgbench_clients']} on the same statements; bare aiohttp: "
        f"{http.rps:,.0f} req/s.",
        "",
        "| path | req/s | p50 ms | p99 ms | errors | db ceiling tps | vs db | vs http |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in report["paths"]:
        service = result.service
        lines.append(
            f"| {result.name} | {service.rps:,.0f} | {service.p50_ms:.1f} | "
            f"{service.p99_ms:.1f} | {service.errors} | {result.db_tps:,.0f} | "
            f"{result.db_ratio:.0%} | {service.rps / http.rps:.0%} |"
        )
    lines += [
        "",
        f"The service beside its bare stack (bench/bare_app.py) and its peer (bench/peer_app.py, "
        f"FastAPI + asyncpg on uvicorn): wrk {WRK_THREADS} threads, {config['warmup']} s warm-up, "
        f"median of {config['runs']} interleaved × {config['duration']} s.",
        "",
        contest_table(report["contest"]),
        scaling_table(report["contest"]),
        "| target | measured | met |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {value} | {'yes' if ok else 'no'} |" for name, value, ok in targets(report)
    ]
    return "\n".join(lines) + "\n"


def chart(report: dict[str, Any], destination: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [result.name for result in report["paths"]]
    service = [result.service.rps for result in report["paths"]]
    ceiling = [result.db_tps for result in report["paths"]]
    positions = range(len(names))
    figure, axes = plt.subplots(figsize=(11, 5))
    axes.barh([p + 0.2 for p in positions], ceiling, height=0.4, label="database ceiling (pgbench)")
    axes.barh([p - 0.2 for p in positions], service, height=0.4, label="service (wrk)")
    axes.axvline(report["http_ceiling"].rps, color="grey", linestyle="--", label="bare aiohttp")
    axes.set_yticks(list(positions), names)
    axes.invert_yaxis()
    axes.set_xlabel("requests (transactions) per second")
    axes.set_title("chat-api: throughput per path against its ceilings")
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(destination, dpi=110)
    plt.close(figure)


def update_performance_page(table: str) -> None:
    """The tables between the bench markers of docs/performance.md."""
    text = PERFORMANCE_PAGE.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        PERFORMANCE_PAGE.write_text(f"{before}{start}\n{table}{end}{after}")
