"""The audit trail's records: no personal data, each step once, exports (SQLite and PostgreSQL)."""

import csv
import io
import json

from bridge.audit import AuditLog, export, place_category, safe_reason
from tests.state.helpers import stored_bytes
from bridge.findings import Decision, Finding

PHONE = "+46 70 123 45 67"
NAME = "Ingrid Wallenberg"


def violation() -> Decision:
    findings = [
        Finding("PHONE_NUMBER", "body", 10, 26, 0.9, "PhoneRecognizer", value=PHONE),
        Finding("PERSON", "attachment:ingrid_wallenberg_lonebesked.pdf", 0, 17, 0.85, "NameRecognizer",
                value=NAME, detail="page 2"),
    ]
    return Decision(
        action="delete",
        reasons=["direct identifier: PHONE_NUMBER",
                 "attachment ingrid_wallenberg_lonebesked.pdf could not be read: encrypted"],
        places={"body": ["PHONE_NUMBER"], "attachment:ingrid_wallenberg_lonebesked.pdf (page 2)": ["PERSON"]},
        findings=findings,
        counted=findings,
    )


def test_decision_record_holds_kinds_and_counts_but_no_values_or_file_names(db) -> None:
    log = AuditLog(db)
    log.record_decision("zendesk", "101", violation(), "enforce", "abc123def456", "sv",
                        ["ingrid_wallenberg_lonebesked.pdf"])
    log.record_step("zendesk", "101", "notified", "<0123@gdpr-bridge>")
    [record] = list(log.records())
    assert record["verdict"] == "violation"
    assert record["kinds"] == {"PERSON": 1, "PHONE_NUMBER": 1}
    assert record["places"] == {"attachment": ["PERSON"], "body": ["PHONE_NUMBER"]}
    assert record["rules_hash"] == "abc123def456"
    assert [s["step"] for s in record["steps"]] == ["notified"]
    stored = stored_bytes(db)
    for value in (PHONE, NAME, "wallenberg", "Wallenberg", "70 123"):
        assert value.encode() not in stored


def test_each_step_recorded_once(db) -> None:
    log = AuditLog(db)
    assert log.record_step("jira", "SUP-1", "deleted", "first") is True
    assert log.record_step("jira", "SUP-1", "deleted", "second") is False
    assert log.steps("jira", "SUP-1")["deleted"].detail == "first"


def test_export_formats(db) -> None:
    log = AuditLog(db)
    log.record_decision("zendesk", "7", violation(), "monitor", "h", "en", [])
    lines = export(log.records(), "jsonl").splitlines()
    assert json.loads(lines[0])["ticket_id"] == "7"
    rows = list(csv.DictReader(io.StringIO(export(log.records(), "csv"))))
    assert rows[0]["verdict"] == "violation" and json.loads(rows[0]["kinds"])["PHONE_NUMBER"] == 1


def test_helpers() -> None:
    assert place_category("attachment:a b.pdf (page 2)") == "attachment"
    assert place_category("subject") == "subject"
    assert safe_reason("attachment x.pdf failed; y.docx too", ["x.pdf", "y.docx"]) == "attachment #1 failed; #2 too"


def test_a_decision_repeated_by_a_taken_over_job_is_recorded_once_but_a_new_mode_or_verdict_again(db) -> None:
    log = AuditLog(db)
    args = ("h", "sv", [])
    assert log.record_decision("zendesk", "101", violation(), "monitor", *args, skip_repeat=True) is True
    assert log.record_decision("zendesk", "101", violation(), "monitor", *args, skip_repeat=True) is False
    # redecide: the same ticket decided again in enforce mode is a new record
    assert log.record_decision("zendesk", "101", violation(), "enforce", *args, skip_repeat=True) is True
    # the ticket changed: a different decision in the same mode is a new record
    assert log.record_decision("zendesk", "101", Decision("none"), "enforce", *args, skip_repeat=True) is True
    # a comment's key is its own
    assert log.record_decision("zendesk", "101/comment/7", violation(), "enforce", *args, skip_repeat=True) is True
    with db.read() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT ticket_id, mode FROM decisions ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("101", "monitor"), ("101", "enforce"), ("101", "enforce"),
                                        ("101/comment/7", "enforce")]
    assert log.verify().ok
