"""OCR misreadings undone where their shape leaves no doubt, character for character."""

from __future__ import annotations

import pytest

from bridge.extract.ocr_repair import repair_ocr_text

CASES = [
    # digits with look-alike letters in them
    ("Mobile: O7700 9OO772", "Mobile: 07700 900772"),
    ("ID: l2345", "ID: 12345"),
    ("Date 2O26-11-3O", "Date 2026-11-30"),
    # the check digits of an IBAN
    ("IBAN: GBO3 MIDL 4005 1571 8452 09", "IBAN: GB03 MIDL 4005 1571 8452 09"),
    # "@" read as "Q" between a lower-case local part and a domain
    ("Email: tom.haleQexample-foods.co.uk", "Email: tom.hale@example-foods.co.uk"),
    # left alone: words, short numbers, upper-case words with a Q, a shift code
    ("OIL and IO and Oslo", "OIL and IO and Oslo"),
    ("room 1O1", "room 1O1"),
    ("SQL.example.com FAQ.pdf", "SQL.example.com FAQ.pdf"),
    ("Q8-16 Call l0l", "Q8-16 Call l0l"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_ocr_misreadings_are_undone_only_where_the_shape_is_clear(text: str, expected: str) -> None:
    repaired = repair_ocr_text(text)
    assert repaired == expected
    assert len(repaired) == len(text)
