"""The erasure report for the data-protection officer, ``audit verify`` / ``audit attest``,
and the six-monthly reminder (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timezone

from click.testing import CliRunner

from bridge.attest import attestation_status, build_report, remember, render
from bridge.audit import AuditLog
from bridge.findings import Decision
from bridge.jobs import JobStore

DAY = 86400.0
TICKET_MARK = "987654"  # every ticket id carries it: the report must show none


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp() + 12 * 3600


def seed(db) -> None:
    log = AuditLog(db)
    violation = Decision("delete", ["third-party phone number"], {"body": ["PHONE_NUMBER"]})
    review = Decision("review", ["attachment #1 could not be read: encrypted"])
    log.record_decision("zendesk", f"{TICKET_MARK}0", violation, "enforce", "rules-v0", "en", [], at=at("2025-12-20"))
    plan = [  # (ticket, day, decision, rules version, steps)
        ("1", "2026-01-10", violation, "rules-v0", ["notified", "deleted"]),
        ("2", "2026-02-01", violation, "rules-v0", ["swept", "notified", "deleted"]),
        ("3", "2026-03-05", review, "rules-v1", ["review_marked"]),
        ("4", "2026-04-01", Decision("none"), "rules-v1", ["cleared"]),
        ("5", "2026-05-01", Decision("none"), "rules-v1", ["retention_deleted"]),
        ("6", "2026-06-30", Decision("none"), "rules-v1", ["subject_erased"]),
        ("7", "2026-07-01", violation, "rules-v2", ["notified", "deleted"]),  # after the period
    ]
    for ticket, day, decision, version, steps in plan:
        ticket_id = f"{TICKET_MARK}{ticket}"
        log.record_decision("zendesk", ticket_id, decision, "enforce", version, "en", [], at=at(day))
        for offset, step in enumerate(steps):
            log.record_step("zendesk", ticket_id, step, "detail", at=at(day) + offset)
    jobs = JobStore(db)
    jobs.acquire("jira", f"SD-{TICKET_MARK}")
    jobs.dead("jira", f"SD-{TICKET_MARK}", "PlatformRejected: jira: delete issue: 403 forbidden")


def test_the_report_counts_the_period_and_holds_no_ticket_ids(db) -> None:
    seed(db)
    with db.write() as conn:  # the dead letter failed inside the period
        conn.exec_driver_sql(f"UPDATE jobs SET updated_at={at('2026-03-01')}")
    report = build_report(db, date(2026, 1, 1), date(2026, 6, 30))
    assert report["deletions"] == {"policy violation": 2, "retention": 1, "subject erasure": 1,
                                   "rejected channel": 0}
    assert report["decisions"] == {"violation": 2, "review": 1, "clean": 3}
    assert report["reviews"] == {"total": 1, "by_reason": {"attachment #1 could not be read: encrypted": 1}}
    assert report["caught_by_sweep"] == 1
    assert report["failures"]["dead_letters"] == 1
    assert report["failures"]["dead_letters_by_error"] == {"PlatformRejected": 1}
    assert [(v["version"], v["in_force_from"]) for v in report["rules_versions"]] == [
        ("rules-v0", "before the period"), ("rules-v1", "2026-03-05T12:00:00Z")]
    assert report["audit_chain"]["verified"] is True
    for fmt in ("json", "html"):
        rendered = render(report, fmt)
        assert TICKET_MARK not in rendered
    assert "The audit chain verifies" in render(report, "html")
    assert json.loads(render(report, "json"))["period"] == {"from": "2026-01-01", "to": "2026-06-30"}


def test_the_report_says_when_the_chain_is_broken(db) -> None:
    seed(db)
    db.execute("UPDATE steps SET step='cleared' WHERE step='deleted' AND ticket_id=:t", t=f"{TICKET_MARK}1")
    report = build_report(db, date(2026, 1, 1), date(2026, 6, 30))
    assert report["audit_chain"]["verified"] is False
    assert report["audit_chain"]["first_broken_record"]["seq"] == 4
    assert "does NOT verify" in render(report, "html")


def test_a_reminder_is_due_six_months_after_the_last_report(db) -> None:
    assert attestation_status(db)["due"] is False  # nothing recorded yet
    AuditLog(db).record_decision("zendesk", "1", Decision("none"), "monitor", "v", "en", [], at=time.time() - 200 * DAY)
    status = attestation_status(db)
    assert status["due"] is True and status["last"] is None and status["days_since"] == 200
    report = build_report(db, date(2026, 1, 1), date(2026, 6, 30))
    remember(db, report, render(report, "json"), now=time.time() - 190 * DAY)
    assert attestation_status(db)["due"] is True
    remember(db, report, render(report, "json"))
    assert attestation_status(db)["due"] is False


def test_cli_verify_names_the_first_broken_record_and_attest_writes_the_file(db, db_url, tmp_path) -> None:
    from bridge.cli import cli

    seed(db)
    env = {"BRIDGE_DATABASE_URL": db_url, "BRIDGE_DATA_DIR": str(tmp_path)}
    ok = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "verified: 19 record(s)" in ok.output
    out = tmp_path / "report.json"
    written = CliRunner().invoke(cli, ["audit", "attest", "--from", "2026-01-01", "--to", "2026-06-30",
                                       "--format", "json", "--out", str(out)], env=env)
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_text())["deletions"]["retention"] == 1
    assert attestation_status(db)["last"] is not None

    db.execute("UPDATE decisions SET verdict='clean' WHERE ticket_id=:t", t=f"{TICKET_MARK}2")
    broken = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert "broken at record 5 (decision of zendesk ticket 9876542)" in broken.output
    bad = CliRunner().invoke(cli, ["audit", "attest", "--from", "2026-06-30", "--to", "2026-01-01"], env=env)
    assert bad.exit_code == 2 and "--to is before --from" in bad.output


def test_the_status_page_reminds_when_a_report_is_due(db, db_url, tmp_path) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from bridge.settings import load_settings
    from bridge.status import status_routes

    token = "status-token-long-enough-for-the-rules"
    settings = load_settings({"BRIDGE_DATABASE_URL": db_url, "BRIDGE_DATA_DIR": str(tmp_path),
                              "BRIDGE_STATUS_TOKEN": token, "BRIDGE_MODE": "monitor"})
    client = TestClient(Starlette(routes=status_routes(settings)))
    headers = {"Authorization": f"Bearer {token}"}
    assert "attestation-due" not in client.get("/", headers=headers).text
    AuditLog(db).record_decision("zendesk", "1", Decision("none"), "monitor", "v", "en", [], at=time.time() - 200 * DAY)
    page = client.get("/", headers=headers).text
    assert "attestation-due" in page and "No erasure report has been written yet" in page
    assert client.get("/api/status", headers=headers).json()["attestation"]["due"] is True


def test_a_log_line_reminds_when_a_report_is_due(db, caplog) -> None:
    import logging

    from bridge.attest import remind_if_due

    with caplog.at_level(logging.WARNING, logger="bridge.attest"):
        assert remind_if_due(db) is False
        AuditLog(db).record_decision("zendesk", "1", Decision("none"), "monitor", "v", "en", [],
                                     at=time.time() - 190 * DAY)
        assert remind_if_due(db) is True
    [line] = [r for r in caplog.records if r.getMessage() == "erasure report due"]
    assert line.days_since == 190 and "audit attest" in line.hint  # type: ignore[attr-defined]
