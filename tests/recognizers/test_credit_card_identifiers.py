"""A bare, ungrouped Luhn-valid number is a card only with a card word near it; right after an
id label (ticket, case, order, reference) it is the case's identifier. Numbers grouped like a
card count as before, and published test cards in a sandbox sentence stay out. Values are
invented (Luhn-valid by construction); every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "CREDIT_CARD"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    # identifiers: glued to or right after an id label, or with no card word at all
    ("en", "Vendor ref: TrackingID#4539578763621486 for the outage.", None),
    # an inflected card word ("the card" in Swedish) names it
    ("sv", "Kortet som är sparat är 4539578763621486.", "4539578763621486"),
    ("en", "See Case ID 4539578763621486 in their portal.", None),
    ("en", "Ticket #4539578763621486 was closed by mistake.", None),
    ("en", "Order no. 4539578763621486 shipped twice.", None),
    ("de", "Referenz 4539578763621486 ist beim Hersteller offen.", None),
    ("de", "Die Vorgangsnummer 4539578763621486 fehlt im Export.", None),
    ("sv", "Leverantörens ärendenummer 4539578763621486 gäller felet.", None),
    ("en", "The import log shows 4539578763621486 twice.", None),
    # a card word near a bare number, or a card grouping
    ("en", "Her card number is 4539578763621486.", {"4539578763621486"}),
    ("en", "He paid with 4539578763621486 (Visa) yesterday.", {"4539578763621486"}),
    ("sv", "Kortnummer 4539578763621486 nekades.", {"4539578763621486"}),
    ("de", "Die Kreditkarte 4539578763621486 wurde doppelt belastet.", {"4539578763621486"}),
    ("en", "The charge came from 4539 5787 6362 1486 again.", {"4539 5787 6362 1486"}),
    ("de", "Abgebucht von 4539-5787-6362-1486 am Montag.", {"4539-5787-6362-1486"}),
    # published test cards in a sandbox sentence, bare or grouped
    ("en", "The sandbox declines test card 4242424242424242.", None),
    ("en", "In staging 4111 1111 1111 1111 fails.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_bare_number_is_a_card_only_with_a_card_word_and_never_after_an_id_label(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
