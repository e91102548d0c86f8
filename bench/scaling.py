"""The contest's tables, targets and scaling chart (throughput and p99 against workers)."""

from pathlib import Path

from bench.contest import BARE, CONTESTANTS, PEER, SERVICE, STACK_PATHS, Entry, lookup

BARE_RATIO_TARGET = 0.90
PEER_RATIO_TARGET = 1.3
TARGET_WORKERS = (1, 2)


def _grid(entries: list[Entry]) -> tuple[list[int], list[int]]:
    return (
        sorted({entry.workers for entry in entries}),
        sorted({entry.connections for entry in entries}),
    )


def contest_table(entries: list[Entry]) -> str:
    workers, connections = _grid(entries)
    lines = [
        "| workers | connections | path | service req/s | p99 ms | CPU µs/req "
        "| bare stack req/s | p99 ms | CPU µs/req | peer req/s | p99 ms | CPU µs/req "
        "| ÷ bare | ÷ peer |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in workers:
        for clients in connections:
            for path in STACK_PATHS:
                cells, by = [], {}
                for contestant in CONTESTANTS:
                    result = lookup(entries, contestant, path, count, clients).result
                    by[contestant] = result
                    cpu = f"{result.cpu_us:.0f}" if result.cpu_us is not None else ""
                    cells += [f"{result.rps:,.0f}", f"{result.p99_ms:.1f}", cpu]
                bare = by[SERVICE].rps / by[BARE].rps
                peer = by[SERVICE].rps / by[PEER].rps
                lines.append(
                    f"| {count} | {clients} | {path} | {' | '.join(cells)} "
                    f"| {bare:.2f}× | {peer:.2f}× |"
                )
    return "\n".join(lines) + "\n"


def contest_targets(entries: list[Entry]) -> list[tuple[str, str, bool]]:
    workers, connections = _grid(entries)
    rows = []
    for count in [each for each in workers if each in TARGET_WORKERS]:
        for clients in connections:
            bare_parts, peer_parts, bare_ok, peer_ok = [], [], True, True
            for path in STACK_PATHS:
                service = lookup(entries, SERVICE, path, count, clients).result
                bare = lookup(entries, BARE, path, count, clients).result
                peer = lookup(entries, PEER, path, count, clients).result
                bare_ratio, peer_ratio = service.rps / bare.rps, service.rps / peer.rps
                bare_parts.append(
                    f"{path} {bare_ratio:.2f}× (p99 {service.p99_ms:.1f} vs {bare.p99_ms:.1f} ms)"
                )
                peer_parts.append(f"{path} {peer_ratio:.2f}×")
                bare_ok &= bare_ratio >= BARE_RATIO_TARGET and service.p99_ms <= bare.p99_ms
                peer_ok &= peer_ratio >= PEER_RATIO_TARGET
            setting = f"{count} worker(s), {clients} connections"
            rows += [
                (f"service ≥ {BARE_RATIO_TARGET:.2f}× the bare stack's req/s and p99 no worse "
                 f"({setting})", "; ".join(bare_parts), bare_ok),
                (f"service ≥ {PEER_RATIO_TARGET}× the peer's req/s ({setting})",
                 "; ".join(peer_parts), peer_ok),
            ]  # fmt: skip
    return rows


def scaling_table(entries: list[Entry]) -> str:
    """Each contestant against workers, at the most connections measured."""
    workers, connections = _grid(entries)
    clients = connections[-1]
    lines = [
        f"{clients} connections; req/s (p99 ms); service × its own 1-worker figure",
        "",
        "| workers | path | service | bare stack | peer | service scaling |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for count in workers:
        for path in STACK_PATHS:
            cells = []
            for contestant in CONTESTANTS:
                result = lookup(entries, contestant, path, count, clients).result
                cells.append(f"{result.rps:,.0f} ({result.p99_ms:.1f})")
            service = lookup(entries, SERVICE, path, count, clients).result.rps
            first = lookup(entries, SERVICE, path, workers[0], clients).result.rps
            scaling = f"{service / first:.1f}×" if workers[0] == 1 else ""
            lines.append(f"| {count} | {path} | {' | '.join(cells)} | {scaling} |")
    return "\n".join(lines) + "\n"


def scaling_chart(entries: list[Entry], destination: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workers, connections = _grid(entries)
    clients = connections[-1]
    figure, (throughput, tail) = plt.subplots(1, 2, figsize=(12, 4.5))
    for contestant in CONTESTANTS:
        for path, style in zip(STACK_PATHS, ("-", "--"), strict=True):
            results = [
                lookup(entries, contestant, path, count, clients).result for count in workers
            ]
            label = f"{contestant}: {path}"
            throughput.plot(workers, [r.rps for r in results], style, marker="o", label=label)
            tail.plot(workers, [r.p99_ms for r in results], style, marker="o", label=label)
    throughput.set_ylabel("requests per second")
    tail.set_ylabel("p99 latency, ms")
    for axes in (throughput, tail):
        axes.set_xlabel("workers")
        axes.set_xticks(workers)
        axes.set_ylim(bottom=0)
    throughput.legend(fontsize="small")
    figure.suptitle(f"chat-api: scaling with workers ({clients} connections)")
    figure.tight_layout()
    figure.savefig(destination, dpi=110)
    plt.close(figure)
