"""US social security numbers (issued areas and a context word).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "US_SSN"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # US SSN
    ("en", "His SSN is 512-44-8821 if you need it.", "512-44-8821"),
    ("en", "The social security number 512 44 8821 shows twice.", "512 44 8821"),
    ("en", "SSN 666-44-8821 looks odd.", None),  # area 666 never issued
    ("en", "Part 512-44-8821 is back ordered.", None),  # no context
    # spaced / dashed SSNs, in brackets, with SS# / SSN context; not typed as a phone
    ("en", "The export rejects the SS# field (026 79 4091) as duplicate.", "026 79 4091"),
    ("en", "Her social security number 123 45 6780 was typed wrong.", "123 45 6780"),
    ("en", "Punches missing after reboot, SSN in the export (216 56 4243)", "216 56 4243"),
    ("en", "Punches missing after terminal reboot (216 56 4243)", None),  # no context word
    ("en", "Order 216-56-4244 was shipped twice.", None),
    ("sv", "Exporten avvisar raden (216 56 4245).", None),
    # found whatever language the ticket is in
    ("sv", "Her social security number 512-44-8821 was typed wrong.", "512-44-8821"),
    ("de", "Die Sozialversicherungsnummer 512-44-8821 ist doppelt.", "512-44-8821"),
    ("en", "Her social security number was mistyped. The right one is 512 44 8821.", "512 44 8821"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
