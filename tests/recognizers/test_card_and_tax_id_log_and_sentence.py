"""A Luhn-valid number grouped as no card is (a log's session id) needs a card word; a tax id's
ignore word counts only in the value's own sentence.

Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

CASES: list[tuple[str, str, str, str | set[str] | None]] = [
    ("CREDIT_CARD", "en", "2025-03-02T10:00:00Z INFO [core] session 49869444-1439-7769 started", None),
    ("CREDIT_CARD", "en", "request 49869444-1439-7769 failed", None),
    ("CREDIT_CARD", "en", "Her card 4986 9444 1439 7769 was declined.", "4986 9444 1439 7769"),
    ("DE_TAX_ID", "de", "Bei ihr fehlt die Steuer-ID in der Mobil-App. Sie lautet 97 041 569 232.", "97 041 569 232"),
    ("DE_TAX_ID", "de", "Bitte die Steuer-ID prüfen. Mobil 97 041 569 232.", None),
]


@pytest.mark.parametrize("entity, language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, entity: str, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)
