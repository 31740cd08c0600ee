"""Retention over many tickets on a fake Zendesk that answers 429 past its rate limit.

    python3 bench/retention.py [--tickets 10000] [--per-minute 600] [--keep 500] [--kill-at 0.4]

The fake holds ``--tickets`` expired tickets in the rule's scope and ``--keep`` it must leave
alone (young, or out of scope); it allows ``--per-minute`` API requests in any sliding 60 s
and answers 429 with Retry-After past it; the rules' budget for Zendesk is the same figure.
Two runs of the real ``gdpr-bridge retention run --yes`` process:

1. a whole run: its time, the API requests, the most requests in any 60 s window against
   the limit, the 429s, and whether exactly the expired tickets were deleted;
2. on a fresh fake: the run is killed with SIGKILL once ``--kill-at`` of the tickets are
   erased, then run again: tickets deleted twice (soft-delete requests naming one more than
   once, or erased twice), skipped (still there), and kept tickets touched.

Prints the figures and one JSON line. Not a test (tests/test_retention_cli.py runs small ones).
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.zendesk_server import FakeZendesk

FORM = 360001
NOW = datetime.now(timezone.utc)
RULE = ("retention:\n  - name: bench-3y\n    platform: zendesk\n    scope: {forms: ['%d']}\n    older_than: 3y\n"
        "    based_on: updated\n    action: delete\n" % FORM)


def seed(fake: FakeZendesk, tickets: int, keep: int) -> tuple[list[int], list[int]]:
    requester = fake.add_user("Customer", "customer@example.com")
    old = NOW - timedelta(days=5 * 365)
    doomed = [fake.add_aged_ticket(old - timedelta(minutes=i), ticket_form_id=FORM, requester_id=requester)
              for i in range(tickets)]
    kept = []
    for i in range(keep):
        if i % 2:
            kept.append(fake.add_aged_ticket(NOW - timedelta(days=365), ticket_form_id=FORM, requester_id=requester))
        else:
            kept.append(fake.add_aged_ticket(old, ticket_form_id=FORM + 1, requester_id=requester))
    return doomed, kept


def environment(tmp: Path, fake: FakeZendesk, per_minute: int) -> dict[str, str]:
    rules = (ROOT / "rules.yaml").read_text().replace("\nretention: []\n", "\n" + RULE)
    rules = rules.replace("zendesk:\n    requests_per_minute: 300", f"zendesk:\n    requests_per_minute: {per_minute}")
    (tmp / "rules.yaml").write_text(rules)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "JIRA_", "BRIDGE_", "ZENPY_"))}
    env.update(fake.env(ZENDESK_JOB_POLL_SECONDS="0.2", ZENDESK_TIMEOUT_SECONDS="10"))
    env.update({"BRIDGE_DATA_DIR": str(tmp / "data"), "BRIDGE_RULES": str(tmp / "rules.yaml"), "BRIDGE_MODE": "enforce",
                "BRIDGE_LOG_FORMAT": "json", "BRIDGE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return env


def command() -> list[str]:
    return [sys.executable, "-m", "bridge.cli", "retention", "run", "--yes"]


def max_in_window(times: list[float], window: float = 60.0) -> int:
    times = sorted(times)
    return max((bisect.bisect_right(times, t + window - 1e-9) - i for i, t in enumerate(times)), default=0)


def api_requests(fake: FakeZendesk) -> list[float]:
    with fake._lock:
        return [r.at for r in fake.requests if r.path.startswith("/api/")]


def outcome(fake: FakeZendesk, doomed: list[int], kept: list[int]) -> dict[str, int]:
    erased = set(fake.permanently_deleted)
    return {
        "deleted": sum(1 for t in doomed if t in erased and t not in fake.tickets and t not in fake.deleted),
        "skipped": sum(1 for t in doomed if t not in erased),
        "deleted_twice": sum(1 for t in doomed if fake.soft_delete_calls[t] > 1 or fake.permanently_deleted.count(t) > 1),
        "purge_asked_twice": sum(1 for t in doomed if fake.purge_calls[t] > 1),
        "kept_touched": sum(1 for t in kept if t not in fake.tickets or fake.soft_delete_calls[t]),
    }


def whole_run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FakeZendesk(rate_limit=(args.per_minute, 60.0)) as fake:
        doomed, kept = seed(fake, args.tickets, args.keep)
        env = environment(Path(tmp), fake, args.per_minute)
        began = time.monotonic()
        done = subprocess.run(command(), env=env, capture_output=True, text=True, timeout=7200, cwd=tmp)
        seconds = time.monotonic() - began
        if done.returncode != 0:
            raise SystemExit(f"the run failed: {done.stderr[-2000:]}")
        times = api_requests(fake)
        return {"seconds": round(seconds, 1), "requests": len(times), "max_in_60s": max_in_window(times),
                "limit_per_minute": args.per_minute, "http_429": len(fake.rate_limited),
                **outcome(fake, doomed, kept)}


def killed_run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FakeZendesk(rate_limit=(args.per_minute, 60.0)) as fake:
        doomed, kept = seed(fake, args.tickets, args.keep)
        env = environment(Path(tmp), fake, args.per_minute)
        began = time.monotonic()
        process = subprocess.Popen(command(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
        target = int(args.tickets * args.kill_at)
        while len(fake.permanently_deleted) < target and process.poll() is None:
            time.sleep(0.005)
        until = time.monotonic() + 10  # with a batch in flight: deleted, not yet erased for good
        while not fake.deleted and process.poll() is None and time.monotonic() < until:
            time.sleep(0.001)
        in_flight = len(fake.deleted)
        process.send_signal(signal.SIGKILL)
        process.wait()
        erased_at_kill = len(fake.permanently_deleted)
        done = subprocess.run(command(), env=env, capture_output=True, text=True, timeout=7200, cwd=tmp)
        if done.returncode != 0:
            raise SystemExit(f"the resumed run failed: {done.stderr[-2000:]}")
        times = api_requests(fake)
        return {"seconds": round(time.monotonic() - began, 1), "erased_at_kill": erased_at_kill,
                "in_flight_at_kill": in_flight, "requests": len(times), "max_in_60s": max_in_window(times),
                "http_429": len(fake.rate_limited), **outcome(fake, doomed, kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--keep", type=int, default=500)
    parser.add_argument("--per-minute", type=int, default=600)
    parser.add_argument("--kill-at", type=float, default=0.4)
    args = parser.parse_args()
    whole = whole_run(args)
    print(f"whole run: {args.tickets} expired + {args.keep} kept tickets, {whole['seconds']} s, {whole['requests']} "
          f"API requests, at most {whole['max_in_60s']} in any 60 s (limit {args.per_minute}), "
          f"{whole['http_429']} x 429; deleted {whole['deleted']}, skipped {whole['skipped']}, "
          f"deleted twice {whole['deleted_twice']}, kept touched {whole['kept_touched']}")
    killed = killed_run(args)
    print(f"SIGKILL at {killed['erased_at_kill']} erased ({killed['in_flight_at_kill']} soft-deleted in flight), "
          f"then resumed: {killed['seconds']} s in all, {killed['requests']} API requests, at most "
          f"{killed['max_in_60s']} in any 60 s, {killed['http_429']} x 429; deleted {killed['deleted']}, "
          f"skipped {killed['skipped']}, deleted twice {killed['deleted_twice']} (permanent deletion asked twice "
          f"for {killed['purge_asked_twice']}), kept touched {killed['kept_touched']}")
    print(json.dumps({"whole": whole, "killed": killed, "tickets": args.tickets, "keep": args.keep,
                      "load_average": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()
