"""Fail safe: when scanning fails the ticket goes to review (or what rules.yaml says),
never silently to clean and never to delete by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.platform import Requester, Ticket
from bridge.rules import load_rules, parse_rules
from bridge.scanner import Scanner

ROOT = Path(__file__).resolve().parents[1]


class ExplodingScanner(Scanner):
    def scan(self, parts, language):  # type: ignore[no-untyped-def]
        raise MemoryError("simulated")


TICKET = Ticket(id="1", platform="zendesk", subject="Export", body="Call Anna Berg on +46 70 123 45 67",
                requester=Requester(name="Per Holm", email="per@example.se"))


def test_scanner_error_gives_review_by_default() -> None:
    rules = load_rules(ROOT / "rules.yaml")
    analyzer = TicketAnalyzer(rules, scanner=ExplodingScanner.__new__(ExplodingScanner))
    decision = analyzer.analyse(TICKET, language="en")
    assert decision.action == "review"
    assert decision.reasons == ["scanner error (MemoryError)"]


@pytest.mark.parametrize("choice", ["none", "delete"])
def test_fail_open_or_closed_is_a_rule(choice: str) -> None:
    text = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    assert "on_unscannable: review" in text
    rules = parse_rules(text.replace("on_unscannable: review", f"on_unscannable: {choice}").encode(), "test")
    analyzer = TicketAnalyzer(rules, scanner=ExplodingScanner.__new__(ExplodingScanner))
    assert analyzer.analyse(TICKET, language="en").action == choice


def test_unreadable_attachment_gives_review_even_when_text_is_clean() -> None:
    rules = load_rules(ROOT / "rules.yaml")
    analyzer = TicketAnalyzer(rules)
    clean = Ticket(id="2", platform="jira", subject="Export", body="Error E-4412 since build 7.5.3",
                   requester=Requester(name="Per Holm", email="per@example.se"))
    decision = analyzer.analyse(clean, [AttachmentInput("scan.pdf", data=b"%PDF-1.4 broken\x00\x01")], language="en")
    assert decision.action == "review"
    decision = analyzer.analyse(clean, [AttachmentInput("big.png", problem="larger than the limit")], language="en")
    assert decision.action == "review"
