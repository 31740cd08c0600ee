"""A product or module name is no person: a product or edition word after the first word
("Kassa Plus", "Tid Pro") is no surname, and a Swedish or German common noun whose å, ä, ö or ü
is dropped ("Lön" -> "Lon") is no first name. Accents of other languages still may be
("Ciarán", "Zoë"). Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PERSON"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    ("sv", "Exportformat: Visma Lön Plus (XML 3.1)", None),
    ("sv", "Filen ska läsas in i Mål Online innan fredag.", None),
    ("sv", "Vi använder Kön Pro för köhantering.", None),
    ("en", "We import the file into Linda Cloud and Rose Connect.", None),
    ("de", "Die Schnittstelle zu Paul Suite liefert keine Daten.", None),
    ("en", "Exported from Mark Go, then imported again.", None),
    # real names with accents of other languages and with å/ä/ö/ü still count
    ("en", "Ciarán Byrne cannot clock in.", "Ciarán Byrne"),
    ("sv", "Göran Lindqvist kan inte logga in.", "Göran Lindqvist"),
    ("de", "Jürgen Hofmann hat keinen Zugang.", "Jürgen Hofmann"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_product_names_are_no_persons(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
