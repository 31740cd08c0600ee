"""A job's lease is renewed while the job is alive (heartbeat), so a slow job is never
taken over; a dead worker's lease runs out and its job is taken (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bridge.jobs import JobStore

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from bridge.db import Database
from bridge.jobs import JobStore
store = JobStore(Database(sys.argv[1]), lease_seconds=1.5)
owner = "far-away-host:4242:1"   # another host: its death cannot be seen, only its lease running out
assert store.acquire("zendesk", "77", owner=owner) == "acquired"
with store.heartbeat("zendesk", "77", owner=owner, every=0.3):
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_job_outliving_its_lease_period_is_not_taken_by_a_second_worker(db) -> None:
    first, second = JobStore(db, lease_seconds=1.0), JobStore(db, lease_seconds=1.0)
    assert first.acquire("zendesk", "5", owner="host-a:1:1") == "acquired"
    with first.heartbeat("zendesk", "5", owner="host-a:1:1", every=0.2) as beat:
        time.sleep(3.2)  # three lease periods
        assert second.acquire("zendesk", "5", owner="host-b:2:1") == "busy"
        assert [j.ticket_id for j in second.stale()] == []
        assert beat.renewals >= 5 and not beat.lost
    first.done("zendesk", "5")
    assert second.acquire("zendesk", "5", owner="host-b:2:1") == "done"


def test_without_a_heartbeat_the_lease_runs_out(db) -> None:
    store = JobStore(db, lease_seconds=0.3)
    assert store.acquire("zendesk", "6", owner="host-a:1:1") == "acquired"
    time.sleep(0.5)
    assert store.acquire("zendesk", "6", owner="host-b:2:1") == "acquired"


def test_a_sigkilled_workers_job_is_taken_over_once_its_lease_runs_out(db, db_url) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        store = JobStore(db, lease_seconds=1.5)
        time.sleep(3.0)  # two lease periods: the heartbeat keeps it
        assert store.acquire("zendesk", "77", owner="host-b:2:1") == "busy"
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        outcome = "busy"
        while outcome == "busy" and time.monotonic() < deadline:
            time.sleep(0.1)
            outcome = store.acquire("zendesk", "77", owner="host-b:2:1")
        assert outcome == "acquired"
        job = store.get("zendesk", "77")
        assert job is not None and job.attempts == 2 and job.lease_owner == "host-b:2:1"
    finally:
        holder.kill()


def test_a_lease_taken_over_is_not_renewed_by_its_old_owner(db) -> None:
    store = JobStore(db, lease_seconds=0.2)
    store.acquire("jira", "SUP-9", owner="host-a:1:1")
    time.sleep(0.3)
    assert store.acquire("jira", "SUP-9", owner="host-b:2:1") == "acquired"
    assert store.renew("jira", "SUP-9", "host-a:1:1") is False
    assert store.renew("jira", "SUP-9", "host-b:2:1") is True


def test_a_host_does_not_judge_the_processes_of_another_host_with_the_same_hostname(db) -> None:
    """Two containers may share a hostname: with BRIDGE_HOST_ID set, a pid that does not run
    here is not taken for a dead worker of this host."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    import socket

    here = JobStore(db, lease_seconds=60, host="container-b")
    other_owner = f"container-a:{proc.pid}:1"
    assert here.acquire("zendesk", "12", owner=other_owner) == "acquired"
    assert here.acquire("zendesk", "12") == "busy"
    assert [j.ticket_id for j in here.stale()] == []
    same_host = JobStore(db, lease_seconds=60, host="container-a")
    assert [j.ticket_id for j in same_host.stale()] == ["12"], "its own host's dead process is seen at once"
    assert socket.gethostname() not in here.owner()
