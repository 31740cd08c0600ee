"""Payment card numbers (Luhn).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "CREDIT_CARD"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # payment cards
    ("en", "The card on file is 4111 1111 1111 1111.", "4111 1111 1111 1111"),
    ("sv", "Kortnummer 5555-5555-5555-4444 nekades.", "5555-5555-5555-4444"),
    ("de", "Hinterlegt ist die Kreditkarte 378282246310005.", "378282246310005"),
    ("en", "Card 4111 1111 1111 1112 was declined.", None),  # Luhn fails
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
