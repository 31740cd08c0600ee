"""Job leases and outcomes, on SQLite and PostgreSQL."""

import subprocess
import sys
import time

from bridge.jobs import JobStore


def test_lease_is_exclusive_and_done_is_final(db) -> None:
    store = JobStore(db)
    assert store.acquire("zendesk", "1", owner="host-a:1") == "acquired"
    assert store.acquire("zendesk", "1", owner="host-b:2") == "busy"
    store.done("zendesk", "1")
    assert store.acquire("zendesk", "1", owner="host-b:2") == "done"


def test_retrying_job_can_be_taken_again_and_counts_attempts(db) -> None:
    store = JobStore(db)
    store.acquire("jira", "SUP-1", owner="host-a:1")
    store.retrying("jira", "SUP-1", "PlatformUnavailable: HTTP 503")
    assert store.acquire("jira", "SUP-1", owner="host-b:2") == "acquired"
    job = store.get("jira", "SUP-1")
    assert job is not None and job.attempts == 2 and job.state == "running"


def test_expired_lease_is_stale(db) -> None:
    store = JobStore(db, lease_seconds=1.5)
    store.acquire("zendesk", "7", owner="elsewhere:1")
    assert [j.ticket_id for j in store.stale()] == []
    time.sleep(1.6)
    assert [j.ticket_id for j in store.stale()] == ["7"]
    assert store.acquire("zendesk", "7", owner="elsewhere:2") == "acquired"


def test_lease_of_dead_local_process_is_stale_at_once(db) -> None:
    import socket

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    store = JobStore(db)
    store.acquire("zendesk", "9", owner=f"{socket.gethostname()}:{proc.pid}")
    assert [j.ticket_id for j in store.stale()] == ["9"]
    assert store.acquire("zendesk", "9") == "acquired"


def test_dead_letters_listed_with_reason(db) -> None:
    store = JobStore(db)
    store.acquire("zendesk", "3")
    store.dead("zendesk", "3", "PlatformRejected: HTTP 403")
    [job] = store.list("dead")
    assert job.last_error == "PlatformRejected: HTTP 403"
    assert store.counts() == {"dead": 1}


def test_two_threads_of_one_process_do_not_share_a_lease(db) -> None:
    """A worker runs several threads: the second thread taking the same ticket must wait."""
    import threading

    store = JobStore(db)
    outcomes: list[str] = []
    first_holds = threading.Event()
    second_done = threading.Event()

    def first() -> None:
        outcomes.append(store.acquire("zendesk", "5"))
        first_holds.set()
        second_done.wait(10)
        store.done("zendesk", "5")

    def second() -> None:
        first_holds.wait(10)
        outcomes.append(store.acquire("zendesk", "5"))
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcomes == ["acquired", "busy"]
    assert [j.ticket_id for j in store.stale()] == []  # the live thread's lease is not stale


def test_lease_of_dead_local_process_is_stale_with_thread_owner(db) -> None:
    import socket

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    store = JobStore(db)
    store.acquire("zendesk", "10", owner=f"{socket.gethostname()}:{proc.pid}:140213")
    assert [j.ticket_id for j in store.stale()] == ["10"]
