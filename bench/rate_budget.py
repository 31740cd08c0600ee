"""One rate budget for every worker: N worker processes against a fake Zendesk that
answers 429 past its limit (sliding window), with the rules' budget set to that limit.

    python3 bench/rate_budget.py [--per-minute 120] [--tickets 300] [--workers 4] [--window 60]

A web process and ``--workers`` worker processes (4 threads each) on Redis db 15 (a
unique queue name); ``--tickets`` tickets without personal data are delivered through the
webhook at once (monitor mode: 3 API requests each). Prints the API requests made, the
429s the fake answered, the time from the first request to the last, the time the limit
allows for as many requests, and their ratio. Not a test (tests/test_platform_budget.py
runs a shorter version).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.zendesk_server import FakeZendesk
from tests.support.budget_run import BudgetRun, pace_figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-minute", type=float, default=120.0)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--window", type=float, default=60.0, help="the fake's sliding window, seconds")
    parser.add_argument("--burst", type=int, default=None, help="rules' burst (default: 5 %% of a minute)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(ROOT)

    allowed_in_window = round(args.per_minute * args.window / 60)
    with tempfile.TemporaryDirectory() as tmp, FakeZendesk(rate_limit=(allowed_in_window, args.window)) as fake:
        run = BudgetRun(fake, Path(tmp), args.per_minute, burst=args.burst, workers=args.workers,
                        redis_url=args.redis)
        began = time.monotonic()
        run.start()
        ready = time.monotonic() - began
        try:
            started = time.monotonic()
            run.run_tickets(args.tickets, timeout=3600)
            figures = pace_figures(run.api_calls(started), args.per_minute)
        finally:
            run.stop()
        figures.pop("long_gaps")
        figures.update({"limit_per_minute": args.per_minute, "window_seconds": args.window,
                        "tickets": args.tickets, "worker_processes": args.workers,
                        "http_429": len(fake.rate_limited), "start_seconds": round(ready, 1),
                        "load_average": round(os.getloadavg()[0], 1)})
    print(f"{figures['requests']} API requests for {args.tickets} tickets, {args.workers} worker processes, "
          f"limit {args.per_minute:g}/min over {args.window:g}s: {figures['http_429']} x 429, "
          f"{figures['elapsed']:.1f}s first to last request, the limit allows {figures['allowed']:.1f}s "
          f"(ratio {figures['ratio']:.3f})")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}, sort_keys=True))


if __name__ == "__main__":
    main()
