"""State database latency, SQLite vs PostgreSQL side by side: audit appends (hash chain,
serialised), job lease acquire+done, and delivery claims, from several threads at once.

    python bench/state_latency.py [--ops 300] [--threads 1,4] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away SQLite file and a throw-away PostgreSQL database (dropped after).
Prints p50 / p95 / p99 in milliseconds and operations per second per row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridge.audit import AuditLog
from bridge.db import Database
from bridge.deliveries import DeliveryMemory
from bridge.findings import Decision
from bridge.jobs import JobStore


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(op: Callable[[str], None], ops: int, threads: int) -> tuple[list[float], float]:
    timings: list[float] = []
    lock = threading.Lock()
    per_thread = ops // threads

    def work(worker: int) -> None:
        local = []
        for n in range(per_thread):
            began = time.perf_counter()
            op(f"{worker}-{n}-{uuid.uuid4().hex[:6]}")
            local.append((time.perf_counter() - began) * 1000)
        with lock:
            timings.extend(local)

    began = time.perf_counter()
    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return timings, time.perf_counter() - began


def bench(db: Database, engine: str, ops: int, thread_counts: list[int]) -> None:
    audit, jobs, deliveries = AuditLog(db), JobStore(db), DeliveryMemory(db)
    decision = Decision("none")

    def audit_append(key: str) -> None:
        audit.record_decision("zendesk", key, decision, "monitor", "bench", "en", [])

    def audit_step(key: str) -> None:
        audit.record_step("zendesk", key, "monitored")

    def lease(key: str) -> None:
        assert jobs.acquire("zendesk", key) == "acquired"
        jobs.done("zendesk", key)

    def claim(key: str) -> None:
        deliveries.claim(f"delivery:zendesk:{key}")

    for name, op in (("audit decision", audit_append), ("audit step", audit_step), ("lease acquire+done", lease),
                     ("delivery claim", claim)):
        for threads in thread_counts:
            timings, seconds = run(op, ops, threads)
            print(f"| {engine} | {name} | {threads} | {statistics.median(timings):.2f} | "
                  f"{percentile(timings, 0.95):.2f} | {percentile(timings, 0.99):.2f} | {len(timings) / seconds:.0f} |")
    report = audit.verify()
    assert report.ok, report.broken


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--threads", default="1,4")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    print("| engine | operation | threads | p50 ms | p95 ms | p99 ms | ops/s |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Database(Path(folder) / "bridge.db")
        bench(sqlite, "SQLite", args.ops, thread_counts)
        sqlite.dispose()
    import psycopg

    name = f"gdpr_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        pg = Database(args.postgres.rsplit("/", 1)[0] + "/" + name)
        bench(pg, "PostgreSQL", args.ops, thread_counts)
        pg.dispose()
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
