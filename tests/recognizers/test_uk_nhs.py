"""UK NHS numbers (mod 11 and a context word).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "UK_NHS"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # UK NHS number (mod 11 + context)
    ("en", "Please correct the NHS number 943 476 5919 on the record.", "943 476 5919"),
    ("en", "NHS no. 9434765919 is wrong.", "9434765919"),
    ("sv", "NHS-nummer: NHS 943-476-5919 i journalen.", "943-476-5919"),
    ("de", "Die NHS 9434765919 ist falsch.", "9434765919"),
    ("en", "NHS number 9434765918 on the form.", None),  # mod 11 fails
    ("en", "Order 943 476 5919 was shipped.", None),  # no context
    # found whatever language the ticket is in
    ("sv", "Please correct the NHS number 943 476 5919 on the record.", "943 476 5919"),
    ("de", "The health service number 9434765919 is wrong.", "9434765919"),
    # a grouped number whose context word stands in the sentence before (not two sentences back)
    ("en", "The NHS number on her record is wrong. It should be 943 476 5919.", "943 476 5919"),
    ("en", "The NHS number is wrong. We checked twice. It should be 943 476 5919.", None),
    # the NHS word far back in the sentence before
    ("en", "When I fill in the referral form the NHS number field rejects the number as invalid, but it is right, "
     "I checked it against the letter from his GP. The number is 943 476 5919.",
     "943 476 5919"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
