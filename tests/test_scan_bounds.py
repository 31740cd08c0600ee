"""The scan of one ticket is bounded in size and time (rules.yaml scanner.max_ticket_chars,
max_scan_seconds): past a bound the ticket goes to review with the reason, never to deletion."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.platform import Requester, Ticket
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.e2e import finished_record, make_harness, wait_for
from tests.support.bridge_process import ROOT, BridgeProcess
from tests.support.dense import dense_text

REQUESTER = {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.se", "locale": "en-GB"}
CLEAN_BODY = "Hello,\n\nThe rota export attached fails to import since Monday.\n\nRegards\nKarin"


def bounded(scanner: Scanner, rules: Rules, **bounds: float) -> TicketAnalyzer:
    """An analyzer on the shared scanner (its models) with other scan bounds."""
    changed = rules.model_copy(update={"scanner": rules.scanner.model_copy(update=bounds)})
    return TicketAnalyzer(changed, scanner)


def ticket(body: str = CLEAN_BODY) -> Ticket:
    return Ticket(id="7", platform="zendesk", subject="Rota export", body=body,
                  requester=Requester(name="Karin Lindqvist", email="karin.lindqvist@kundbolaget.se"))


def test_text_past_the_size_bound_sends_the_ticket_to_review_with_the_reason(scanner, rules) -> None:
    analyzer = bounded(scanner, rules, max_ticket_chars=5_000)
    attachment = AttachmentInput("staff.txt", dense_text(20_000).encode())
    decision = analyzer.analyse(ticket(), [attachment], language="en")
    assert decision.action == "review"
    assert any("max_ticket_chars" in reason and "5000 of" in reason for reason in decision.reasons)
    # what was scanned still shows what it found
    assert decision.findings and all(f.end <= 5_000 for f in decision.findings)


def test_a_ticket_within_the_bounds_is_decided_as_before(scanner, rules) -> None:
    analyzer = bounded(scanner, rules, max_ticket_chars=5_000)
    decision = analyzer.analyse(ticket(), [AttachmentInput("notes.txt", b"Build 2024.7.3 fails on import.")],
                                language="en")
    assert decision.action == "none" and decision.reasons == []


def test_a_scan_past_its_time_bound_stops_there_and_goes_to_review(scanner, rules) -> None:
    analyzer = bounded(scanner, rules)
    attachment = AttachmentInput("staff.txt", dense_text(2_000_000).encode())
    extracted = analyzer.extract([attachment], "en")
    started = time.monotonic()
    findings, reason = analyzer.scanner.scan_within(
        [part for item in extracted for part in item.parts], "en", max_chars=10_000_000, max_seconds=2.0)
    took = time.monotonic() - started
    assert reason is not None and "max_scan_seconds" in reason
    # unbounded, this text takes minutes; the margin is for a machine shared with other test runs
    assert took < 2.0 + 15.0, f"the scan ran {took:.1f} s past a 2 s bound"


@pytest.fixture()
def zendesk() -> Iterator[object]:
    harness = make_harness("zendesk")
    yield harness
    harness.stop()


def test_two_megabytes_of_dense_text_end_in_review_within_the_bound(tmp_path: Path, zendesk, smtp) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text((ROOT / "rules.yaml").read_text(encoding="utf-8")
                     .replace("interval_minutes: 15", "interval_minutes: 0")
                     .replace("max_scan_seconds: 120", "max_scan_seconds: 5"), encoding="utf-8")
    env = {**zendesk.env(), "BRIDGE_MODE": "enforce", "BRIDGE_RULES": str(rules), "SMTP_URL": smtp.url}
    bridge = BridgeProcess(tmp_path / "bridge", env).start(timeout=180)
    try:
        ticket_id = zendesk.create("Rota export", CLEAN_BODY, REQUESTER,
                                   [("staff.txt", dense_text(2_000_000).encode(), "text/plain")])
        delivered = time.monotonic()
        assert zendesk.deliver(bridge.url, ticket_id).status_code == 202
        record = wait_for(lambda: finished_record(bridge.data_dir, "zendesk", ticket_id, "review_marked"),
                          timeout=120)
        took = time.monotonic() - delivered
    finally:
        bridge.stop()
    assert record["verdict"] == "review"
    assert any("max_scan_seconds" in r or "max_ticket_chars" in r for r in record["reasons"])
    assert "gdpr-review" in zendesk.tags(ticket_id) and zendesk.exists(ticket_id)
    assert smtp.messages == []
    # download + extraction child + a scan stopped at 5 s: far below the minutes an unbounded
    # scan of this text takes (the margin is for a machine shared with other test runs)
    assert took < 90, f"review after {took:.0f} s"
