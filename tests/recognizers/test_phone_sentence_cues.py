"""A national number in digit groups without a context word counts when its sentence names a
person or an on-call list; a number in the range North America reserves for fiction counts like any other.

Values are invented; every case is a pattern.
"""

from __future__ import annotations

import re

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PHONE_NUMBER"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    # a full name in the sentence: the number is that person's
    ("en", "Please add 01 234 5678 to the list for Maeve Gallagher from Monday.", "01 234 5678"),
    ("de", "Bitte 0211 4402918 für Sabine Kohlhaas ab Montag hinterlegen.", "0211 4402918"),
    # an on-call or call-list word in the sentence, whatever the ticket's language
    ("en", "Add 0161 496 0703 to the on-call rota for ward 3 please.", "0161 496 0703"),
    ("de", "Bitte 040 7738215 in die Rufbereitschaftsliste fürs Wochenende eintragen.", "040 7738215"),
    ("sv", "Lägg in 031-774 21 90 på jourlistan från måndag.", "031-774 21 90"),
    # no name, no list word: a landline alone still needs a context word
    ("en", "The screen shows 0161 496 0703 after the update.", None),
    # a Stockholm line is no Irish mobile (a region of more_regions reads only what no other reads)
    ("sv", "Lager Norrort | 08-123 456 78", None),
    # a full name glued to the number as a contact line's last field is a signature's, no cue
    ("sv", "> Elin Brandt, lagerchef, Norrort Logistik, 0431-44 12 80", None),
    # an ignore word still wins over the sentence
    ("de", "Die Zentrale 0211 4402918 ist für Sabine Kohlhaas nicht erreichbar.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_sentence_cue_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


@pytest.mark.parametrize("value", ["(212) 555-0147", "+1 415 555 0123", "646-555-0199", "087 555 0163"])
def test_a_number_in_the_range_reserved_for_fiction_still_counts_as_someones(
    scanner: Scanner, rules: Rules, value: str
) -> None:
    """Test data writes a colleague's number in that range: the bridge cannot tell fiction from a ticket."""
    assert not any(re.fullmatch(p.regex, value) for p in rules.allow.patterns if p.entity == ENTITY)
    assert_found(found_of(scanner, rules, f"My colleague can be reached on {value} for the details.", "en", ENTITY), value)
