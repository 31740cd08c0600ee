"""Webhook load: a fixed rate for a fixed time against `gdpr-bridge web`, from a second process.

Sends signed Zendesk webhooks (each a new ticket id and invocation id) open-loop at
``--rate`` per second for ``--seconds``, then counts what reached the queue.

    python3 bench/load.py --rate 200 --seconds 60 --queue sqlite
    python3 bench/load.py --rate 200 --seconds 60 --queue redis

Prints acknowledged (202), rejected (4xx/5xx), errors (no answer), lost (acknowledged
but not in the queue) and p50/p99/max acknowledgement latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bridge.queue import make_huey
from bridge.signatures import zendesk_signature
from tests.support.bridge_process import BridgeProcess

SECRET = "load-test-secret"


def signed_request(ticket_id: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"ticket_id": str(ticket_id)}).encode()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Zendesk Webhook",
        "X-Zendesk-Webhook-Id": "01LOADTEST",
        "X-Zendesk-Webhook-Invocation-Id": uuid.uuid4().hex,
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": zendesk_signature(SECRET, stamp, body),
    }
    return body, headers


def fire(rate: int, seconds: int, url: str, threads: int = 16) -> dict[str, object]:
    """Open-loop: request i is due at start + i/rate; ``threads`` keep-alive connections share them."""
    total = rate * seconds
    parsed = urlparse(url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    start = time.monotonic() + 0.5

    def worker(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        for i in range(offset, total, threads):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body, headers = signed_request(1_000_000 + i)
            sent = time.monotonic()
            try:
                conn.request("POST", parsed.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(time.monotonic() - sent)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - start
    latencies.sort()
    return {
        "sent": total,
        "elapsed": elapsed,
        "statuses": statuses,
        "errors": errors,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else None,
        "max_ms": latencies[-1] * 1000 if latencies else None,
    }


def run(queue: str, rate: int, seconds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        name = f"bench-load-{uuid.uuid4().hex[:8]}"
        url = f"sqlite:///{tmp}/queue.db" if queue == "sqlite" else os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
        env = {"ZENDESK_WEBHOOK_SECRET": SECRET, "BRIDGE_QUEUE_URL": url, "BRIDGE_QUEUE_NAME": name,
               "BRIDGE_LOG_LEVEL": "WARNING"}
        bridge = BridgeProcess(Path(tmp), env, command=("web",)).start()
        try:
            result = fire(rate, seconds, bridge.url + "/webhooks/zendesk")
        finally:
            bridge.stop()
        huey = make_huey(url, name)
        queued = huey.pending_count()
        huey.flush()
        acknowledged = int(result["statuses"].get(202, 0))  # type: ignore[union-attr]
        result.update(queue=queue, acknowledged=acknowledged, queued=queued, lost=max(0, acknowledged - queued),
                      rejected=sum(n for s, n in result["statuses"].items() if s >= 400))  # type: ignore[union-attr]
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--queue", choices=["sqlite", "redis", "both"], default="both")
    args = parser.parse_args()
    queues = ["sqlite", "redis"] if args.queue == "both" else [args.queue]
    rows = [run(q, args.rate, args.seconds) for q in queues]
    print(f"{'queue':<7} {'sent':>6} {'ack':>6} {'rejected':>8} {'errors':>6} {'queued':>6} {'lost':>5} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for r in rows:
        print(f"{r['queue']:<7} {r['sent']:>6} {r['acknowledged']:>6} {r['rejected']:>8} {r['errors']:>6} "
              f"{r['queued']:>6} {r['lost']:>5} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['max_ms']:>7.1f}")


if __name__ == "__main__":
    main()
