"""Redactions are counted apart from deletions (issue 17.6): ``report`` (text, CSV, JSON),
``audit attest`` and the status page, over an audit trail written by real pipeline runs
(in-memory platform): one comment redacted, one description redacted, one ticket deleted."""

from __future__ import annotations

import csv
import re
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.memory import MemoryPlatform, MemoryStore
from bridge.analysis import TicketAnalyzer
from bridge.attest import build_report as attest_report
from bridge.attest import render
from bridge.audit import AuditLog
from bridge.cli import cli
from bridge.comments import process_comment
from bridge.db import Database
from bridge.jobs import JobStore
from bridge.notify import Notifier
from bridge.pipeline import Services, process_ticket
from bridge.platform import Requester
from bridge.rules import Rules
from bridge.scanner import Scanner
from bridge.status import summary

ROOT = Path(__file__).resolve().parents[1]
REQUESTER = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example")
LEAK = "Please call my colleague Sabine Kromberg on 07700 900 123, she saw it first.\n\nHenrik Dahlberg"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, rules: Rules, scanner: Scanner) -> Path:
    data = tmp_path_factory.mktemp("data")
    store = MemoryStore()
    db = Database(data / "bridge.db")

    def services(violation: str) -> Services:
        chosen = rules.model_copy(update={"mode": "enforce", "actions": rules.actions.model_copy(
            update={"violation": violation})})
        return Services(rules=chosen, mode="enforce", analyzer=TicketAnalyzer(chosen, scanner),
                        notifier=Notifier.from_env({}, data_dir=data), audit=AuditLog(db),
                        platform_factory=lambda name: MemoryPlatform(store))

    clean = store.add_ticket("Export fails", "It stops with EXP-5218.", requester=REQUESTER)
    assert process_ticket(services("delete"), "memory", clean) == "clean"
    comment = store.add_comment(clean, REQUESTER, LEAK, attachments=[
        ("rota.txt", b"Call Sabine Kromberg on 07700 900 123 for the night shift.\n", "text/plain")])
    assert process_comment(services("delete"), "memory", clean, comment) == "redacted"
    redacted = store.add_ticket("Export fails", LEAK, requester=REQUESTER)
    assert process_ticket(services("redact"), "memory", redacted) == "redacted"
    deleted = store.add_ticket("Export fails", LEAK, requester=REQUESTER)
    assert process_ticket(services("delete"), "memory", deleted) == "deleted"
    db.dispose()
    return data


def report(data_dir: Path, fmt: str) -> str:
    env = {"BRIDGE_DATA_DIR": str(data_dir), "BRIDGE_RULES": str(ROOT / "rules.yaml")}
    result = CliRunner().invoke(cli, ["report", "--since", "1d", "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_report_text_counts_redactions_apart_from_deletions(data_dir: Path) -> None:
    out = report(data_dir, "text")
    assert out.splitlines()[0] == "3 ticket(s) decided in the last 1d"
    assert re.search(r"redacted \(ticket kept\) +1", out) and re.search(r"deleted +1", out)
    assert "Comments added later: 1 decided" in out
    assert "Redacted descriptions (ticket kept): 1 (2 passage(s), 0 attachment(s) removed)" in out
    assert "Redacted comments (ticket kept): 1 (2 passage(s), 1 attachment(s) removed)" in out
    assert "Kromberg" not in out and "07700" not in out and "rota" not in out


def test_report_json_and_csv_carry_the_same_counts(data_dir: Path) -> None:
    data = json.loads(report(data_dir, "json"))
    assert data["tickets"] == 3 and data["enforce"]["done"] == {"left_alone": 1, "redacted": 1, "deleted": 1}
    assert data["comments"]["decided"] == 1 and data["comments"]["enforce"]["done"] == {"redacted": 1}
    assert data["redactions"] == {"descriptions": {"confirmed": 1, "spans": 2, "attachments": 0},
                                  "comments": {"confirmed": 1, "spans": 2, "attachments": 1}}
    rows = {(r["section"], r["name"]): int(r["count"]) for r in csv.DictReader(io.StringIO(report(data_dir, "csv")))}
    assert rows[("enforce_done", "redacted")] == 1 and rows[("enforce_done", "deleted")] == 1
    assert rows[("comments_enforce_done", "redacted")] == 1
    assert rows[("comment_redactions", "attachments")] == 1 and rows[("description_redactions", "spans")] == 2


def test_attest_counts_redactions_apart_from_deletions(data_dir: Path) -> None:
    today = datetime.now(timezone.utc).date()
    found = attest_report(Database(data_dir / "bridge.db"), today - timedelta(days=1), today)
    assert found["deletions"]["policy violation"] == 1
    assert found["redactions"] == {"comments": 1, "descriptions": 1, "spans": 4, "attachments": 1, "refused": 0,
                                   "unconfirmed": 0}
    html = render(found, "html")
    assert "comments redacted" in html and "Kromberg" not in html


def test_the_status_page_counts_redactions_and_comments(data_dir: Path) -> None:
    db = Database(data_dir / "bridge.db")
    info = summary(AuditLog(db), JobStore(db), 1, "enforce")
    assert info["deletions"] == 1 and info["redactions"] == 2 and info["comments_decided"] == 1
    assert info["redactions_not_done"] == 0
