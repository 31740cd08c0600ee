"""Person codes: context words of every language, three-letter and letter+digit prefixes, and a
bracket after a full name holding a person-code label and a code.

Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.findings import TextPart
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PERSON_CODE"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    # a Swedish or German staff-number word in an English ticket
    ("en", "Our cleaner Amira (anst.nr 58214) needs a new badge.", "58214"),
    ("en", "The roster shows Personalnummer 77130 twice.", "77130"),
    # three letters glued to the digits, a letter and a digit before a dash
    ("sv", "Klara Holmgren (anst.nr STF2291) är utelåst.", "STF2291"),
    ("de", "Der Mitarbeiter mit Personalnummer MAR4410 ist gesperrt.", "MAR4410"),
    ("en", "Employee id K3-0725 is missing from the export.", "K3-0725"),
    # a label and a code in the bracket after a full name
    ("de", "Unser Koch Tobias Wendler (PN 6630) ist diese Woche nicht da.", "6630"),
    ("de", "Bitte bei Greta Sommer (Pers.-Nr. 3187) die Zeiten korrigieren.", "3187"),
    ("en", "Driver Owen Kearney (emp. B4-0193) has no deduction.", "B4-0193"),
    # other labels in that bracket are no person code
    ("de", "Bitte Greta Sommer (Tel. 3187) zurückrufen.", None),
    ("en", "Owen Kearney (since 2019) drives the night route.", None),
    ("en", "Owen Kearney (Ref. 4471) asked again.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


def test_a_labelled_code_after_a_name_is_no_bare_number(scanner: Scanner, rules: Rules) -> None:
    """A label beside the code says what it is: confidence does not treat it as a bare number."""
    text = "Sanna Lundqvist (anst.nr FJL0274) är utelåst från appen."
    codes = [f for f in scanner.scan([TextPart("body", text)], "sv") if f.entity_type == ENTITY]
    assert [f.value for f in codes] == ["FJL0274"]
    assert not any(codes[0].evidence.startswith(note) for note in rules.confidence.weak.bare_number_evidence)
