"""UK National Insurance numbers (with a context word).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "UK_NINO"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # UK National Insurance number
    ("en", "The NINO AB123456C is a duplicate.", "AB123456C"),
    ("en", "His NI number is JG 10 37 56 C.", "JG 10 37 56 C"),
    ("sv", "NI number AB123456C finns i importen.", "AB123456C"),
    ("de", "Die NI number AB 12 34 56 C ist doppelt.", "AB 12 34 56 C"),
    ("en", "Product code QQ123456C is out of stock.", None),
    # found whatever language the ticket is in
    ("de", "His national insurance number JG 10 37 56 C is wrong.", "JG 10 37 56 C"),
    # typed by hand: lower or mixed case, other spacing, with a NINO word in the same sentence
    ("en", "The NI number box rejects it, for our new driver it is hk482107b on the form.", {"hk482107b"}),
    ("en", "NINO: Hk 48 21 07 B", {"Hk 48 21 07 B"}),
    ("en", "His National Insurance is HK 482 107 B.", {"HK 482 107 B"}),
    ("en", "NI no hk-48-21-07-b from the paperwork", {"hk-48-21-07-b"}),
    # the same shapes without a NINO word: a hash, a tag
    ("en", "The build tag hk482107b failed again.", None),
    ("en", "Part Hk 48 21 07 B is out of stock.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
