"""The benchmark: seeds a dataset through the bulk path, serves it as in production, drives
each path with wrk from a separate process on 127.0.0.1, and measures the ceilings in the
same run: pgbench -M prepared on the project's own sql/ statements (the database ceiling)
and a bare aiohttp handler (the HTTP ceiling). Then the contest (bench/contest.py): the
service beside its bare stack and its FastAPI peer, at each worker count. Absolute numbers on
a shared machine drift; the ratios hold.

    python -m bench                    # full run: bench/results/, tables in docs/performance.md
    python -m bench --workers "1 2 4"  # the contest at these worker counts
    python -m bench --smoke            # seconds, tiny dataset: proves the harness works
"""

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from bench.config import FULL, SMOKE
from bench.harness import ROOT
from bench.measure import measure
from bench.report import chart, markdown, update_performance_page
from bench.scaling import scaling_chart, scaling_table

RESULTS = ROOT / "bench" / "results"


def worker_counts(text: str) -> list[int]:
    """WORKERS="1 2 4": whole numbers of at least 1, in the order given, each once."""
    words = text.split()
    if not words or not all(word.isdigit() and int(word) >= 1 for word in words):
        raise argparse.ArgumentTypeError(f"expected worker counts such as '1 2 4', got {text!r}")
    return list(dict.fromkeys(int(word) for word in words))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="seconds, tiny dataset")
    parser.add_argument("--output", type=Path, help="results folder (default bench/results)")
    parser.add_argument(
        "--workers",
        type=worker_counts,
        help='the contest\'s worker counts, e.g. "1 2 4" (default "1 2"; smoke: "1")',
    )
    args = parser.parse_args(argv)
    workers = args.workers or ([1] if args.smoke else [1, 2])
    config = SMOKE if args.smoke else FULL
    output = args.output or RESULTS
    output.mkdir(parents=True, exist_ok=True)

    report = measure(config, workers)
    table = markdown(report)
    (output / "latest.md").write_text(table)
    (output / "latest.json").write_text(json.dumps(report, default=asdict, indent=2) + "\n")
    chart(report, output / "latest.png")
    (output / "scaling.md").write_text(scaling_table(report["contest"]))
    scaling_chart(report["contest"], output / "scaling.png")
    if not args.smoke and args.output is None:
        update_performance_page(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
