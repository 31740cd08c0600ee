"""Swedish personnummer and samordningsnummer (Luhn and a real date, with a context word).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "SE_PERSONNUMMER"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # Swedish personnummer / samordningsnummer (Luhn + date)
    ("sv", "Kundens personnummer 811218-9876 hamnade i loggen.", "811218-9876"),
    ("sv", "Personnr 198112189876 ligger två gånger.", "198112189876"),
    ("sv", "Samordningsnumret 701063-2391 godkänns inte.", "701063-2391"),
    ("en", "Her Swedish personal identity number 8112189876 is on file.", "8112189876"),
    ("de", "Die schwedische Personennummer 811218-9876 steht im Feld.", "811218-9876"),
    # Luhn fails, the date holds and the word names it: found, as weak evidence only (review, never a
    # deletion: tests/test_detection_round_i.py); without the word it is nothing
    ("sv", "Personnummer 811218-9875 ligger fel.", "811218-9875"),
    ("sv", "Ordernummer 811218-9875 ligger fel.", None),
    ("sv", "Ordernummer 8112189876 saknas.", None),  # bare digits, no context
    # an organisation number passes Luhn but its "month" is 20 or more
    ("sv", "Organisationsnummer 556036-0793 saknas i fakturan.", None),
    ("sv", "Personnummer 556036-0793 ligger fel.", None),
    # found whatever language the ticket is in
    ("en", "Seine Personnummer 811218-9876 steht im Feld.", "811218-9876"),
    ("sv", "The personal identity number 8112189876 is on file.", "8112189876"),
    ("sv", "Personnumret i systemet stämmer inte. Rätt är 811218 9876.", "811218 9876"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
