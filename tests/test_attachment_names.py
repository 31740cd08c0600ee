"""Attachment file names and ZIP member paths are scanned as text: a file named after a person
with their personnummer is a violation even when its content is clean. Where such a finding
stands never spells out the file name (it goes into the requester's email)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.filenames import name_as_text
from bridge.platform import Requester, Ticket
from bridge.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
TICKET = Ticket(id="1", platform="test", subject="Lönespecifikation", requester=Requester(name="Sara Lind"),
                body="Hej! Lönespecifikationen nedan visar fel timmar, kan ni kolla? Tack, Sara")
CLEAN = "Timmar 160, övertid 4, semester 2.".encode()


@pytest.fixture(scope="module")
def analyzer() -> TicketAnalyzer:
    return TicketAnalyzer(load_rules(ROOT / "rules.yaml"))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_name_joiners_become_spaces_of_the_same_length() -> None:
    name = "staff/Anna_Berg+notes\\payslip_811218-9876.txt"
    assert name_as_text(name) == "staff Anna Berg notes payslip 811218-9876 txt"
    assert len(name_as_text(name)) == len(name)


def test_a_file_name_with_a_name_and_a_personnummer_is_a_violation(analyzer: TicketAnalyzer) -> None:
    decision = analyzer.analyse(TICKET, [AttachmentInput("notes.txt", CLEAN),
                                         AttachmentInput("payslip_Anna_Berg_811218-9876.txt", CLEAN)], "sv")
    assert decision.action == "delete"
    assert {(f.entity_type, f.place) for f in decision.counted} >= {("SE_PERSONNUMMER", "attachment-name:2")}
    assert not any("Berg" in place or "811218" in place for place in decision.places)


def test_an_unread_attachment_name_is_scanned_too(analyzer: TicketAnalyzer) -> None:
    decision = analyzer.analyse(TICKET, [AttachmentInput("anna.berg84@gmail.com.png", None, "too large")], "sv")
    assert ("EMAIL_ADDRESS", "attachment-name:1") in {(f.entity_type, f.place) for f in decision.counted}


def test_a_plain_file_name_is_clean(analyzer: TicketAnalyzer) -> None:
    decision = analyzer.analyse(TICKET, [AttachmentInput("lonespec_2024-03_export_v2.txt", CLEAN)], "sv")
    assert decision.action == "none", decision.reasons


def test_zip_member_paths_are_scanned(analyzer: TicketAnalyzer) -> None:
    data = _zip({"export/readme.txt": CLEAN, "staff/Anna_Berg/811218-9876.txt": CLEAN})
    decision = analyzer.analyse(TICKET, [AttachmentInput("export.zip", data)], "sv")
    assert decision.action == "delete"
    found = [f for f in decision.counted if f.entity_type == "SE_PERSONNUMMER"]
    assert found and all(f.place == "attachment:export.zip" for f in found)
    assert all("811218" not in (f.detail or "") for f in found)


def test_a_capture_time_in_a_photo_or_screenshot_name_is_no_personnummer(analyzer: TicketAnalyzer) -> None:
    for name in ("IMG_20261201_0914.png", "Screenshot_20261130-0712.png", "Skärmbild 20261201-0914.png",
                 "scan_19850312-1234.pdf"):
        decision = analyzer.analyse(TICKET, [AttachmentInput(name, CLEAN)], "sv")
        assert decision.action == "none", (name, decision.reasons)


def test_the_requesters_own_payslip_under_their_name_is_theirs(analyzer: TicketAnalyzer) -> None:
    own = analyzer.analyse(TICKET, [AttachmentInput("lonespec_Sara_Lind_811218-9876.txt", CLEAN)], "sv")
    assert own.action == "none", own.reasons
    other = analyzer.analyse(TICKET, [AttachmentInput("lonespec_Anna_Berg_811218-9876.txt", CLEAN)], "sv")
    assert other.action == "delete"
    # a second name in the same file name: whose the number is, is not known
    both = analyzer.analyse(TICKET, [AttachmentInput("lonespec_Sara_Lind_Anna_Berg_811218-9876.txt", CLEAN)], "sv")
    assert both.action == "delete"
