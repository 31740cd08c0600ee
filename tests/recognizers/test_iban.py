"""IBANs (mod 97).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "IBAN_CODE"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # IBAN
    ("en", "Refund to IBAN GB29 NWBK 6016 1331 9268 19 please.", "GB29 NWBK 6016 1331 9268 19"),
    ("de", "Bankverbindung DE89370400440532013000 ist falsch.", "DE89370400440532013000"),
    ("sv", "Återbetalning till SE4550000000058398257466.", "SE4550000000058398257466"),
    ("en", "Refund to IBAN GB28 NWBK 6016 1331 9268 19 please.", None),  # mod 97 fails
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
