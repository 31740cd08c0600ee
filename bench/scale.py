"""Scale-out: 1, 2 and 4 "hosts" sharing only Redis (the queue) and PostgreSQL (the state).

    python3 bench/scale.py [--hosts 1 2 4] [--drain 150] [--latency 40] [--rate 2]
                           [--redis redis://127.0.0.1:6379/12] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
                           [--state-ops 100]

A "host" is a process group with its own ``BRIDGE_DATA_DIR`` and ``BRIDGE_HOST_ID``: one
``gdpr-bridge web`` and one ``gdpr-bridge worker`` (4 threads), enforce mode, rate limits
off (the bridge's own pace, not a platform's budget). For each host count, a fresh
PostgreSQL database and a fresh queue name on the Redis database given; every ticket is a
violation (a colleague's name and phone number) on the fake Zendesk, so each one is
decided, deleted for good (the fake's job answers "queued" once, then "completed") and
its requester emailed (a real SMTP sink).

1. latency: ``--latency`` webhooks sent open-loop at ``--rate`` a second, round-robin over
   the hosts' web processes; webhook sent → permanent deletion at the fake, p50/p95/max;
2. drain: ``--drain`` webhooks sent at once (round-robin); first webhook → last deletion,
   tickets per second;
3. then, once, ``bench/state_latency.py``'s state operations (audit append on the hash chain,
   lease, delivery claim) on SQLite and PostgreSQL side by side.

The fake Zendesk, the SMTP sink and every bridge process share the machine's cores; on the
shared 2-core box a run took 7-12 minutes (start-up of 2-8 processes under load). Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

SECRET = "bench-scale-secret"
REQUESTER = {"name": "Hannah Whitfield", "email": "hannah.whitfield@customer.example", "locale": "en-GB"}
BODY = ("Hello,\n\nThe rota export fails for the night shift (error E-{n}). Please call our employee Oliver "
        "Pemberton on +44 7911 123{m:03d}, who saw it first.\n\nKind regards\nHannah")


class Deletions(threading.Thread):
    """When the fake purged each ticket (5 ms resolution)."""

    def __init__(self, fake: FakeZendesk) -> None:
        super().__init__(daemon=True)
        self.fake = fake
        self.at: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        seen = 0
        while not self.stopping.is_set():
            purged = list(self.fake.permanently_deleted)
            now = time.time()
            for ticket_id in purged[seen:]:
                self.at.setdefault(ticket_id, now)
            seen = len(purged)
            time.sleep(0.005)


def cpu_seconds(pid: int) -> float:
    """user + system CPU of one process (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ValueError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def group_cpu(processes: list[BridgeProcess], command: str) -> float:
    return sum(cpu_seconds(p.proc.pid) for p in processes if p.proc is not None and p.command == (command,))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def deliver(fake: FakeZendesk, url: str, ticket_id: int, sent: dict[int, float]) -> None:
    sent[ticket_id] = time.time()
    status = fake.deliver_webhook(url + "/webhooks/zendesk", ticket_id, SECRET, form="trigger").status_code
    if status != 202:
        print(f"webhook for {ticket_id}: HTTP {status}", file=sys.stderr)


def wait_deleted(watch: Deletions, ids: list[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(t in watch.at for t in ids):
            return True
        time.sleep(0.05)
    return False


def run(hosts: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    import psycopg
    import redis

    db_name = f"gdpr_bench_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    database_url = args.postgres.rsplit("/", 1)[0] + "/" + db_name
    queue = f"benchscale{uuid.uuid4().hex[:8]}"
    sink = SmtpSink().start()
    fake = FakeZendesk(job_polls=("queued",)).start()
    watch = Deletions(fake)
    watch.start()
    env = {**fake.env(ZENDESK_WEBHOOK_SECRET=SECRET), "BRIDGE_MODE": "enforce", "BRIDGE_QUEUE_URL": args.redis,
           "BRIDGE_QUEUE_NAME": queue, "BRIDGE_DATABASE_URL": database_url, "SMTP_URL": sink.url + "?helo=bench"}
    processes: list[BridgeProcess] = []
    try:
        for n in range(hosts):
            host_env = {**env, "BRIDGE_HOST_ID": f"host-{n}"}
            data_dir = tmp / f"{hosts}-hosts" / f"host-{n}"
            processes.append(BridgeProcess(data_dir, host_env, command=("web",), rate_limits=False))
            processes.append(BridgeProcess(data_dir, host_env, command=("worker",), rate_limits=False))
        launched = time.monotonic()
        for process in processes:
            process.start(wait_ready=False)
        for process in processes:
            process.wait_ready(300)
        start_seconds = time.monotonic() - launched
        webs = [p.url for p in processes if p.command == ("web",)]

        def tickets(count: int, offset: int) -> list[int]:
            return [fake.add_ticket("Rota export fails", BODY.format(n=offset + i, m=(offset + i) % 1000),
                                    requester=REQUESTER) for i in range(count)]

        # 1. latency, open loop
        paced = tickets(args.latency, 0)
        sent: dict[int, float] = {}
        began = time.monotonic()
        for i, ticket_id in enumerate(paced):
            time.sleep(max(0.0, began + i / args.rate - time.monotonic()))
            deliver(fake, webs[i % len(webs)], ticket_id, sent)
        wait_deleted(watch, paced, 180)
        windows = [watch.at[t] - sent[t] for t in paced if t in watch.at]

        # 2. drain: all at once, from a few threads
        burst = tickets(args.drain, args.latency)
        burst_sent: dict[int, float] = {}
        def send_all(part: int) -> None:
            for ticket_id in burst[part::8]:
                deliver(fake, webs[ticket_id % len(webs)], ticket_id, burst_sent)

        threads = [threading.Thread(target=send_all, args=(part,)) for part in range(8)]
        cpu_before = {name: group_cpu(processes, name) for name in ("web", "worker")}
        own_before = time.process_time()
        first = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wait_deleted(watch, burst, 600)
        done = [watch.at[t] for t in burst if t in watch.at]
        drain_seconds = (max(done) - first) if done else float("nan")
        busy = time.time() - first
        cpu = {name: (group_cpu(processes, name) - cpu_before[name]) / busy for name in ("web", "worker")}
        cpu["fakes"] = (time.process_time() - own_before) / busy
        deadline = time.monotonic() + 30  # each email goes out after its ticket's deletion is confirmed
        while len(sink.messages) < len(paced) + len(burst) and time.monotonic() < deadline:
            time.sleep(0.05)
        mails = len(sink.messages)
        load = os.getloadavg()[0]
    finally:
        for process in processes:
            process.stop()
        watch.stopping.set()
        fake.stop()
        sink.stop()
        client = redis.Redis.from_url(args.redis)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        from bridge import db as dbmodule

        for opened in list(dbmodule._open.values()):
            opened.dispose()
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return {"hosts": hosts, "processes": len(processes), "start": start_seconds, "latency_n": len(windows),
            "latency_of": len(paced), "p50": statistics.median(windows) if windows else float("nan"),
            "p95": pct(windows, 0.95) if windows else float("nan"), "max": max(windows) if windows else float("nan"),
            "drained": len(done), "drain_of": len(burst), "drain_seconds": drain_seconds,
            "rate": len(done) / drain_seconds if done else float("nan"), "mails": mails, "load": load, "cpu": cpu}


def main() -> None:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the hosts and drop the database on the way out
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency", type=int, default=40, help="tickets sent open-loop for the latency figures")
    parser.add_argument("--rate", type=float, default=2.0, help="webhooks a second in the latency phase")
    parser.add_argument("--drain", type=int, default=150, help="tickets sent at once for the drain rate")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--state-ops", type=int, default=100, help="operations per row of the state latency table")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(ROOT)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for hosts in args.hosts:
            results.append(run(hosts, args, Path(tmp)))
            print(f"{hosts} host(s) done", file=sys.stderr)
    print(f"hosts = web + worker (4 threads) each, own data dir; Redis + PostgreSQL; enforce, rate limits off; "
          f"{os.cpu_count()} cores shared with the fake Zendesk and the SMTP sink")
    print("| hosts | processes | start s | webhook → deleted p50 s | p95 s | max s | n | drain tickets/s | drained "
          "| vs 1 host | CPU (cores) workers / webs / fakes | emails | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    base = results[0]["rate"]
    for r in results:
        print(f"| {r['hosts']} | {r['processes']} | {r['start']:.1f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} "
              f"| {r['latency_n']}/{r['latency_of']} | {r['rate']:.1f} | {r['drained']}/{r['drain_of']} in "
              f"{r['drain_seconds']:.1f} s | {r['rate'] / base:.2f}× | {r['cpu']['worker']:.2f} / {r['cpu']['web']:.2f} / "
              f"{r['cpu']['fakes']:.2f} | {r['mails']} | {r['load']:.1f} |")
    print()
    print("State operations (bench/state_latency.py), SQLite vs PostgreSQL:")
    from state_latency import main as state_main

    sys.argv = [sys.argv[0], "--ops", str(args.state_ops), "--threads", "1,4", "--postgres", args.postgres]
    state_main()


if __name__ == "__main__":
    main()
