"""Passport and ID-card numbers (a passport word before them).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, counted, found_of

ENTITY = "PASSPORT"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # passports (context right before)
    ("en", "We entered passport number 533018271, which is rejected.", "533018271"),
    ("sv", "Hennes passnummer är 64763971.", "64763971"),
    ("de", "Bei der Abholung zeigte der Kunde den Reisepass C01X00T47 vor.", "C01X00T47"),
    ("en", "The passport office was closed; ticket 533018271 is pending.", None),
    # passport word further back in the same sentence
    ("en", "Passport number for Megan Hill, needed for the visa letter: C36473712", "C36473712"),
    ("sv", "Passnummer för Karin Lund till visumbrevet: 25295812", "25295812"),
    ("de", "Reisepassnummer von Claudia Brandt für das Visum: HT97FRMP1", "HT97FRMP1"),
    ("en", "Passport scans are fine.\nOrder 533018271 is late.", None),
    ("en", "The passport office was closed; ticket 533018271 is pending.", None),
    ("en", "Passport number for the new starter is still missing, order 533018271 shipped.", None),
    # passport / tax id word before a ";" in the same sentence
    ("en", "The onboarding form asks for a passport number; we entered 533018274 and it is rejected.", "533018274"),
    ("sv", "Formuläret kräver passnummer; vi skrev 533018275 men det nekas.", "533018275"),
    ("de", "Das Formular will die Reisepassnummer; eingetragen ist C01X00T47 und es scheitert.", "C01X00T47"),
    ("en", "The form asks for a passport number. We entered 533018276 and it is rejected.", None),
    ("en", "The form asks for a passport number\nOrder 533018277 is late.", None),
    # a Swedish work shift, a German staff badge: not passports
    ("sv", "Förnamn | Anst.nr | Pass | Status\nLeila | 6206 | 620608 | sjuk", None),
    ("sv", "Hon har bytt pass 2 mot kvällspass 620608.", None),
    ("de", "Ausweisnummer 652516 sieht seine Schichten nicht.", None),
    # real passport and ID-card shapes still count
    ("sv", "Hennes passnummer är 64763971.", {"64763971"}),
    ("de", "Die Reisepassnummer lautet CN1VM9NL8.", {"CN1VM9NL8"}),
    ("de", "Personalausweisnummer L01X00T47 wurde abgelehnt.", {"L01X00T47"}),
    ("en", "Passport number 353741922 for the visa letter.", {"353741922"}),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


def test_passport_word_serves_only_the_first_value_after_it(scanner: Scanner, rules: Rules) -> None:
    found = counted(scanner, rules, "Passport number for Megan Hill, needed for the visa letter: C36473712 or 533018271", "en")
    assert ("PASSPORT", "C36473712") in found
    assert ("PASSPORT", "533018271") not in found
