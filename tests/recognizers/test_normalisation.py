"""Copy-paste and evasion: full-width characters, zero-width spaces, soft hyphens and
non-breaking spaces inside values. The scanner reads the text normalised and reports
offsets in the original text."""

from __future__ import annotations

import pytest

from bridge.findings import TextPart
from bridge.normalise import normalise
from bridge.rules import Rules
from bridge.scanner import Scanner

ZWSP, SHY, NBSP, WJ = "\u200b", "\u00ad", "\u00a0", "\u2060"


def test_plain_text_is_left_as_it_is() -> None:
    text = "Hälsningar, Anna Berg"
    norm = normalise(text)
    assert norm.text == text and norm.span(0, 5) == (0, 5)


def test_full_width_and_format_characters_map_back() -> None:
    text = f"Ring ０７０-１２３ ４５ ６７ or 070{ZWSP}1234567, so{SHY}ft e\u0301"
    norm = normalise(text)
    assert norm.text == "Ring 070-123 45 67 or 0701234567, soft é"
    start = norm.text.index("070-")
    assert text[slice(*norm.span(start, start + 13))] == "０７０-１２３ ４５ ６７"
    start = norm.text.index("0701")
    assert text[slice(*norm.span(start, start + 10))] == f"070{ZWSP}1234567"
    start = norm.text.index("é")
    assert text[slice(*norm.span(start, start + 1))] == "e\u0301"


CASES = [
    ("en", "Her mobile is ０７７００ ９００１２３.", "PHONE_NUMBER", "０７７００ ９００１２３"),
    ("sv", f"Hans mobil: 070{ZWSP}-123{ZWSP} 45 67", "PHONE_NUMBER", f"070{ZWSP}-123{ZWSP} 45 67"),
    ("de", f"Erreichbar unter 0151{NBSP}2345{NBSP}6789.", "PHONE_NUMBER", f"0151{NBSP}2345{NBSP}6789"),
    ("en", f"Refund to IBAN GB29{NBSP}NWBK{NBSP}6016{NBSP}1331{NBSP}9268{NBSP}19 please.", "IBAN_CODE",
     f"GB29{NBSP}NWBK{NBSP}6016{NBSP}1331{NBSP}9268{NBSP}19"),
    ("en", "She wrote from ｊａｎｅ．ｄｏｅ８４＠ｇｍａｉｌ．ｃｏｍ yesterday.", "EMAIL_ADDRESS", "ｊａｎｅ．ｄｏｅ８４＠ｇｍａｉｌ．ｃｏｍ"),
    ("sv", f"Kundens personnummer 811218{SHY}-9876 hamnade i loggen.", "SE_PERSONNUMMER", f"811218{SHY}-9876"),
    ("de", f"Sie wohnt in der Müller{SHY}gasse 51a.", "STREET_ADDRESS", f"Müller{SHY}gasse 51a"),
    ("en", f"The card on file is 4539{WJ}5787{WJ}6362{WJ}1486.", "CREDIT_CARD", f"4539{WJ}5787{WJ}6362{WJ}1486"),
]


@pytest.mark.parametrize("language, text, entity, original", CASES, ids=[c[2] for c in CASES])
def test_found_in_normalised_text_pointing_at_the_original(
    scanner: Scanner, rules: Rules, language: str, text: str, entity: str, original: str
) -> None:
    findings = [
        f for f in scanner.scan([TextPart("body", text)], language)
        if f.entity_type == entity and f.score >= rules.entities[entity].threshold
    ]
    assert [text[f.start : f.end] for f in findings] == [original]
    assert findings[0].value == normalise(original).text
