"""Weaknesses found on a third held-out corpus: team mailboxes outside the old list, a Swedish
work shift ("pass") or a German staff badge ("Ausweisnummer") taken for a passport, "go to"
before an address, and OCR of a coloured table. Values are invented patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bridge.extract.ocr import ocr_image
from bridge.findings import Finding
from bridge.platform import Requester, Ticket
from bridge.policy import exemption
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import found_of

ROOT = Path(__file__).resolve().parents[1]




def email(value: str) -> Finding:
    return Finding("EMAIL_ADDRESS", "body", 0, len(value), 1.0, "test", value=value)


TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))


@pytest.mark.parametrize("address", ["rota@acme-care.example.org", "roster@acme.co.uk", "planning@acme.de",
                                     "schichtplan@pflege.de", "bemanning@vard.se", "rota-north@acme.co.uk"])
def test_team_mailboxes_are_not_personal(rules: Rules, address: str) -> None:
    assert exemption(email(address), TICKET, rules) == "role mailbox"


@pytest.mark.parametrize("address", ["rosa.tan@acme.co.uk", "rtan@acme.co.uk", "planner.jo@acme.de"])
def test_personal_mailboxes_still_count(rules: Rules, address: str) -> None:
    assert exemption(email(address), TICKET, rules) is None


CASES = [
    # a Swedish work shift, a German staff badge: not passports
    ("sv", "Förnamn | Anst.nr | Pass | Status\nLeila | 6206 | 620608 | sjuk", "PASSPORT", None),
    ("sv", "Hon har bytt pass 2 mot kvällspass 620608.", "PASSPORT", None),
    ("de", "Ausweisnummer 652516 sieht seine Schichten nicht.", "PASSPORT", None),
    ("de", "Ausweisnummer 652516 sieht seine Schichten nicht.", "PERSON_CODE", "652516"),
    # real passport and ID-card shapes still count
    ("sv", "Hennes passnummer är 64763971.", "PASSPORT", "64763971"),
    ("de", "Die Reisepassnummer lautet CN1VM9NL8.", "PASSPORT", "CN1VM9NL8"),
    ("de", "Personalausweisnummer L01X00T47 wurde abgelehnt.", "PASSPORT", "L01X00T47"),
    ("en", "Passport number 353741922 for the visa letter.", "PASSPORT", "353741922"),
    # an address after "go to"
    ("en", "The replacement laptop should go to 33 Maple Ave by Friday.", "STREET_ADDRESS", "33 Maple Ave"),
    ("en", "Please go to 3 Settings and tick the box.", "STREET_ADDRESS", None),
]


@pytest.mark.parametrize("language, text, entity, expected", CASES, ids=[f"{c[2]}-{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_recognizer_table(scanner: Scanner, rules: Rules, language: str, text: str, entity: str, expected: str | None) -> None:
    found = found_of(scanner, rules, text, language, entity)
    assert found == ({expected} if expected else set())


def test_ocr_reads_every_row_of_a_coloured_table() -> None:
    """A dark title bar and a shaded header row: read as grey first, Tesseract lost the header,
    the first row and the clock-number column (invented names and numbers)."""
    text = ocr_image(Image.open(ROOT / "tests" / "fixtures" / "ocr" / "timesheet-exceptions.png"), "en")
    for value in ("Harry Baxter", "604041", "Amelia Llewellyn", "877293", "650664", "Clock no."):
        assert value in text, text
