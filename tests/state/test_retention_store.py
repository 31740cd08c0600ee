"""The retention run's state and lock on both engines (SQLite and PostgreSQL): ids found are
stored once, in order, with the search cursor; a batch's outcomes and the removal of its
journal go together; the lock admits one run, and is taken over from a dead process."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime, timezone

import pytest

from bridge.db import Database
from bridge.platform import ExpiredTicket
from bridge.retention.lock import LOCK_NAME, LockBusy, RunLock
from bridge.retention.store import DONE, FAILED, PENDING, SPARED, Journal, RetentionStore, RunState
from bridge.schema import cursors


@pytest.fixture
def store(db: Database) -> RetentionStore:
    db.execute("DELETE FROM retention_items")
    db.execute("DELETE FROM cursors WHERE name LIKE 'retention:%' OR name LIKE 'lock:%'")
    return RetentionStore(db)


def test_ids_are_stored_once_in_the_order_found_with_the_cursor_after_their_page(store) -> None:
    when = datetime(2021, 3, 4, tzinfo=timezone.utc)
    state = RunState(fingerprint="f", cutoff="2023-01-01T00:00:00+00:00")
    store.begin("zendesk", "r", state)
    state.cursor = "page-2"
    assert store.add_found("zendesk", "r", [ExpiredTicket("3", when), ExpiredTicket("1", None)], state) == 2
    state.cursor, state.collected = None, True
    assert store.add_found("zendesk", "r", [ExpiredTicket("1", None), ExpiredTicket("2", when)], state) == 1
    resumed = store.state("zendesk", "r")
    assert resumed is not None and resumed.collected and resumed.next_seq == 3
    assert store.pending("zendesk", "r", 2) == [("3", "2021-03"), ("1", None)]
    assert store.counts("zendesk", "r") == {PENDING: 3}
    assert store.counts("jira", "r") == {}


def test_a_batch_outcome_and_its_journal_go_together(store) -> None:
    state = RunState(fingerprint="f", cutoff="2023-01-01T00:00:00+00:00", collected=True)
    store.add_found("jira", "r", [ExpiredTicket(k) for k in ("A-1", "A-2", "A-3", "A-4")], state)
    store.start_batch("jira", "r", ["A-1", "A-2", "A-3"])
    Journal(store, "jira", "r", ["A-1", "A-2", "A-3"]).save({"phase": "purge", "job": "j1"})
    assert store.batch("jira", "r") == {"ids": ["A-1", "A-2", "A-3"], "adapter": {"phase": "purge", "job": "j1"}}
    store.finish_batch("jira", "r", {"A-1": DONE, "A-2": SPARED, "A-3": FAILED})
    assert store.batch("jira", "r") is None
    assert store.counts("jira", "r") == {DONE: 1, SPARED: 1, FAILED: 1, PENDING: 1}
    assert store.pending("jira", "r", 10) == [("A-4", None)]
    store.clear("jira", "r")
    assert store.counts("jira", "r") == {} and store.state("jira", "r") is None


def _other_thread_lock(db: Database, lease: float = 60) -> RunLock:
    made: list[RunLock] = []
    thread = threading.Thread(target=lambda: made.append(RunLock(db, lease)))
    thread.start()
    thread.join()
    return made[0]


def test_the_lock_admits_one_run_at_a_time(store) -> None:
    first, second = RunLock(store.db, 60), _other_thread_lock(store.db)
    first.acquire()
    try:
        with pytest.raises(LockBusy, match="another retention run holds the lock"):
            second.acquire()
    finally:
        first.release()
    second.acquire()
    second.release()


def test_the_lock_of_a_dead_process_or_an_expired_lease_is_taken_over(store) -> None:
    for owner, expires in ((f"{socket.gethostname()}:999999999:1", time.time() + 600),  # a process gone
                           ("other-host:1234:1", time.time() - 1)):  # another host's lease ran out
        store.db.execute("DELETE FROM cursors WHERE name = :n", n=LOCK_NAME)
        with store.db.write() as conn:
            conn.execute(cursors.insert().values(name=LOCK_NAME, value=json.dumps({"owner": owner, "expires": expires}),
                                                 updated_at=time.time()))
        lock = RunLock(store.db, 60)
        lock.acquire()
        lock.release()
    store.db.execute("DELETE FROM cursors WHERE name = :n", n=LOCK_NAME)
    with store.db.write() as conn:  # another host's live lease: refused
        conn.execute(cursors.insert().values(name=LOCK_NAME, value=json.dumps(
            {"owner": "other-host:1234:1", "expires": time.time() + 600}), updated_at=time.time()))
    with pytest.raises(LockBusy, match="other-host:1234"):
        RunLock(store.db, 60).acquire()


def test_stopped_runs_are_listed_with_whether_a_batch_was_in_flight(store) -> None:
    state = RunState(fingerprint="f", cutoff="2023-01-01T00:00:00+00:00")
    store.begin("zendesk", "gone-rule", state)
    store.begin("jira", "r", state)
    store.start_batch("jira", "r", ["A-1"])
    assert sorted(store.runs()) == [("jira", "r", True), ("zendesk", "gone-rule", False)]
