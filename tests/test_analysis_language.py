"""Each attachment is scanned in its own language when lingua is sure of one: an English
log attached to a Swedish ticket is read with the English context words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.findings import TextPart
from bridge.platform import Requester, Ticket
from bridge.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_LOG = (
    "2024-03-01 08:12:44 INFO login ok for user Ingrid Karlsson, connecting from her home connection 81.69.92.121\n"
    "2024-03-01 08:12:45 WARN token refresh failed, retrying in 30 seconds\n"
)
SWEDISH_TICKET = Ticket(
    id="1", platform="test", subject="Inloggningen misslyckas",
    body="Hej! Inloggningen misslyckas sedan i morse, loggen bifogas. Tack för hjälpen!",
    requester=Requester(name="Sara Lind", locale="sv-SE"),
)


@pytest.fixture(scope="module")
def analyzer() -> TicketAnalyzer:
    return TicketAnalyzer(load_rules(ROOT / "rules.yaml"))


def test_an_english_log_on_a_swedish_ticket_is_read_as_english(analyzer: TicketAnalyzer) -> None:
    decision = analyzer.analyse(SWEDISH_TICKET, [AttachmentInput("login.log", ENGLISH_LOG.encode())])
    assert decision.action == "delete"
    assert {(f.entity_type, f.place) for f in decision.counted} == {
        ("PERSON", "attachment:login.log"), ("IP_ADDRESS", "attachment:login.log")}


def test_parts_keep_the_ticket_language_when_lingua_is_unsure_or_agrees(analyzer: TicketAnalyzer) -> None:
    numbers = [TextPart("attachment:export.csv", "4471;2024-03-01;7.5\n4472;2024-03-01;8.0\n")]
    assert analyzer.in_own_language(numbers, "sv") == numbers
    swedish = [TextPart("attachment:notes.txt", "Hon jobbar hemifrån och kan inte logga in sedan i måndags.")]
    assert analyzer.in_own_language(swedish, "sv") == swedish
    english = [TextPart("attachment:notes.txt", "She works from home and cannot log in since Monday morning.")]
    assert [p.language for p in analyzer.in_own_language(english, "sv")] == ["en"]
