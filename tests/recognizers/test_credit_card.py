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
    # an IMEI passes Luhn; published test card numbers in a test, sandbox or staging sentence
    ("en", "The device IMEI 490154203237518 is blocked.", None),
    ("de", "Das Gerät mit IMEI-Nummer 490154203237518 ist gesperrt.", None),
    ("en", "Use the sandbox test card 4111 1111 1111 1111 to reproduce.", None),
    ("sv", "Testkortet 5555 5555 5555 4444 nekas i testmiljön.", None),
    ("de", "In der Testumgebung wird die Testkarte 4242 4242 4242 4242 abgelehnt.", None),
    ("en", "4111 1111 1111 1111 (a test card) fails in staging.", None),
    ("en", "Her card 4242 4242 4242 4242 was charged twice.", "4242 4242 4242 4242"),
    ("en", "We test the refund with her card 4929 1234 5678 9012 3.", None),  # Luhn fails: not a card
    ("en", "In staging her real card 4539 5787 6362 1486 was charged.", "4539 5787 6362 1486"),
    # a test word anywhere in the text, the numbers listed below it
    ("en", "Every payment in your sandbox is declined, also the standard cards:\n\n4111 1111 1111 1111 (Visa)\n"
     "5555 5555 5555 4444 (Mastercard)\n", None),
    # an IMEI without its word: 15 digits under a prefix no 15-digit card scheme uses
    ("en", "Device 356938035643809 stopped registering badges.", None),
    ("en", "Handheld 490154203237518, asset 0442, needs a repair.", None),
    ("en", "Amex 378282246310005 was charged twice.", "378282246310005"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
