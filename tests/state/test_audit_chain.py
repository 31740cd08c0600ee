"""The tamper-evident audit: every record carries the hash of the one before, writers in
many processes extend one chain, and ``verify`` names the first record that was changed,
removed or reordered (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bridge.audit import AuditLog
from bridge.findings import Decision

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from bridge.audit import AuditLog
from bridge.db import Database
from bridge.findings import Decision
log = AuditLog(Database(sys.argv[1]))
worker = sys.argv[2]
for n in range(int(sys.argv[3])):
    log.record_decision("zendesk", f"{worker}-{n}", Decision("none"), "monitor", "h1", "en", [])
    log.record_step("zendesk", f"{worker}-{n}", "monitored")
    log.record_step("zendesk", "shared", "deleted", worker)  # every writer races for one step
"""


def fill(log: AuditLog, tickets: int = 3) -> None:
    for n in range(tickets):
        log.record_decision("jira", f"SUP-{n}", Decision("review", ["attachment #1 could not be read"]), "enforce",
                            "h1", "en", [])
        log.record_step("jira", f"SUP-{n}", "review_marked", "gdpr-review")


def test_an_untouched_chain_verifies(db) -> None:
    log = AuditLog(db)
    assert log.verify().ok and log.verify().records == 0
    fill(log)
    report = log.verify()
    assert report.ok and report.records == 6 and report.head_seq == 6


def test_a_changed_decision_is_named_as_the_first_broken_record(db) -> None:
    log = AuditLog(db)
    fill(log)
    db.execute("UPDATE decisions SET verdict='clean' WHERE ticket_id='SUP-1'")
    broken = log.verify().broken
    assert broken is not None
    assert (broken.seq, broken.kind, broken.ticket_id) == (3, "decision", "SUP-1")
    assert "changed" in broken.problem


def test_a_removed_step_breaks_the_chain_at_the_record_after_it(db) -> None:
    log = AuditLog(db)
    fill(log)
    db.execute("DELETE FROM steps WHERE ticket_id='SUP-0'")
    broken = log.verify().broken
    assert broken is not None and broken.seq == 3 and "record 2 is missing" in broken.problem


def test_a_removed_last_record_is_caught_by_the_head(db) -> None:
    log = AuditLog(db)
    fill(log)
    db.execute("DELETE FROM steps WHERE ticket_id='SUP-2'")
    broken = log.verify().broken
    assert broken is not None and broken.kind == "head"


def test_a_rewritten_chain_with_recomputed_hash_still_fails_at_the_next_link(db) -> None:
    """Someone who edits a record and fixes its own hash still breaks the next record's link."""
    from bridge.audit_chain import decision_content, link

    log = AuditLog(db)
    fill(log)
    with db.write() as conn:
        row = conn.execute(text("SELECT * FROM decisions WHERE ticket_id='SUP-0'")).one()._mapping
        forged = dict(row, verdict="clean")
        conn.execute(text("UPDATE decisions SET verdict='clean', hash=:h WHERE id=:id"),
                     {"h": link(row["prev_hash"], decision_content(forged, row["seq"])), "id": row["id"]})
    broken = log.verify().broken
    assert broken is not None and broken.seq == 2 and "hash of the record before" in broken.problem


def test_writers_in_many_processes_extend_one_chain(db, db_url) -> None:
    processes, per_process = 3, 10
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, f"w{i}", str(per_process)], env=env)
                for i in range(processes)]
    assert [child.wait(180) for child in children] == [0] * processes
    log = AuditLog(db)
    report = log.verify()
    assert report.ok, report.broken
    assert report.records == processes * per_process * 2 + 1  # + the one "shared" step
    assert list(log.steps("zendesk", "shared")) == ["deleted"]
