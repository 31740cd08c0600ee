"""Throughput with 1, 2 and 4 worker processes on Redis: how many saturate the machine.

    python3 bench/scale.py [--k 600] [--workers 1 2 4] [--redis redis://127.0.0.1:6379/15]

For each N: a fresh queue (unique BRIDGE_QUEUE_NAME on Redis db 15) is pre-filled with K
jobs for text-only corpus tickets on the fake Zendesk (monitor mode), then one
``gdpr-bridge worker --workers N --processes`` starts; the clock runs from its "worker
ready" log line until K decisions are in the data dir's ``bridge.db``. The fake Zendesk
runs in this process and shares the same cores (every job fetches its ticket over HTTP).
Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bridge.queue import make_huey
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess

SECRET = "bench-scale-secret"


def decisions(data_dir: Path) -> int:
    try:
        with sqlite3.connect(data_dir / "bridge.db") as db:
            return int(db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def cpu_seconds(pid: int) -> float:
    """user+system CPU of a process and its children that were waited for (huey's forked workers: alive)."""
    total, stack = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ValueError):
            continue
    return total


def run(n_workers: int, k: int, redis_url: str, texts: list[tuple[str, str]]) -> dict[str, float]:
    fake = FakeZendesk().start()
    ids = [fake.add_ticket(*texts[i % len(texts)], requester={"name": "Customer", "email": "c@customer.example"})
           for i in range(k)]
    name = f"bench-scale-{uuid.uuid4().hex[:8]}"
    env = {**fake.env(ZENDESK_WEBHOOK_SECRET=SECRET), "BRIDGE_MODE": "monitor", "BRIDGE_QUEUE_URL": redis_url,
           "BRIDGE_QUEUE_NAME": name}
    os.environ.update({"BRIDGE_QUEUE_URL": redis_url, "BRIDGE_QUEUE_NAME": name})
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        os.environ["BRIDGE_DATA_DIR"] = str(data_dir)
        # enqueue the very task the webhook enqueues (bridge.tasks.process) on this queue
        from bridge.runtime import Runtime
        from bridge.settings import load_settings

        runtime = Runtime(load_settings({**env, "BRIDGE_DATA_DIR": str(data_dir)}))
        for tid in ids:
            runtime.enqueue("zendesk", str(tid))
        huey = make_huey(redis_url, name)
        assert huey.pending_count() == k, huey.pending_count()
        worker = BridgeProcess(data_dir, env, command=("worker", "--workers", str(n_workers), "--processes"),
                               rate_limits=False)  # the bridge's own throughput, not the platform's budget
        launched = time.monotonic()
        worker.start(timeout=120)
        ready = time.monotonic()
        assert worker.proc is not None
        cpu0 = cpu_seconds(worker.proc.pid)
        while decisions(data_dir) < k:
            time.sleep(0.05)
            if time.monotonic() - ready > 280:
                break
        finished = time.monotonic()
        cpu = cpu_seconds(worker.proc.pid) - cpu0
        done = decisions(data_dir)
        worker.stop()
        huey.flush()
    fake.stop()
    busy = finished - ready
    return {"workers": n_workers, "k": k, "done": done, "start": ready - launched, "seconds": busy,
            "rate": done / busy, "cpu": cpu / busy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, default=1000, help="tickets pre-filled per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--corpus", default="/work/shared/corpus")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (Path(args.corpus) / "tickets.jsonl").read_text().splitlines() if line.strip()]
    texts = [(r.get("subject") or "", r.get("body") or "") for r in rows]
    results = [run(n, args.k, args.redis, texts) for n in args.workers]
    print(f"`gdpr-bridge worker --workers N --processes` on Redis, {args.k} text-only tickets pre-filled, monitor mode; "
          f"{os.cpu_count()} cores shared with the fake Zendesk")
    print(f"{'N':>3} {'decided':>8} {'start s':>8} {'drain s':>8} {'tickets/s':>10} {'vs N=1':>7} {'worker CPU':>11}")
    base = results[0]["rate"]
    for r in results:
        print(f"{r['workers']:>3} {r['done']:>8} {r['start']:>8.1f} {r['seconds']:>8.1f} {r['rate']:>10.1f} "
              f"{r['rate'] / base:>6.2f}x {r['cpu']:>10.2f}")


if __name__ == "__main__":
    main()
