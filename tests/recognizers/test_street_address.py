"""Street addresses in UK, US, Swedish and German forms.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "STREET_ADDRESS"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # street addresses (UK, US, SE, DE forms)
    ("en", "Delivery address: Flat 10, 85 High Street, Derby DE1 3AB.", "Flat 10, 85 High Street, Derby DE1 3AB"),
    ("en", "Please collect the unit from 4928 Haley Estate, Portland, OR 98879.", "4928 Haley Estate, Portland, OR 98879"),
    ("en", "The letter was returned from 5614 Martin Lane.", "5614 Martin Lane"),
    ("sv", "Han bor på Idrottsgatan 56B, 208 17 Trollhättan.", "Idrottsgatan 56B, 208 17 Trollhättan"),
    ("sv", "Brevet kom tillbaka från Gengatan 47.", "Gengatan 47"),
    ("de", "Lieferadresse: Wencke-Holzapfel-Weg 83b, 00311 Kitzingen.", "Wencke-Holzapfel-Weg 83b, 00311 Kitzingen"),
    ("de", "Sie wohnt in der Müllergasse 51a.", "Müllergasse 51a"),
    ("de", "Der Techniker holt es Am Markt 3 ab.", "Am Markt 3"),
    ("en", "Please change it to 27 Kingsway, Cardiff CF10 3AN.", "27 Kingsway, Cardiff CF10 3AN"),
    ("en", "The job ran for 8 hours on 3 servers.", None),
    # US compass letter before the street name; German streets named with a preposition
    ("en", "Please ship it to 604 W Jefferson Blvd, Columbus, OH 43215.", "604 W Jefferson Blvd, Columbus, OH 43215"),
    ("en", "The letter was returned from 12 North Main Street.", "12 North Main Street"),
    ("de", "Bitte an Am Rosengarten 5, 50667 Köln schicken.", "Am Rosengarten 5, 50667 Köln"),
    ("de", "Sie wohnt In der Aue 3, 12345 Berlin.", "In der Aue 3, 12345 Berlin"),
    ("de", "Im Januar 3, 50667 Fälle im Export.", None),
    ("de", "Am Montag 5 Tickets offen.", None),
    # German streets: "Am <Noun> <no> in <Town>", "<Street> <no> in <Town>"
    ("de", "Der Kurier soll das Gerät bei Am Lindenbach 12 in Rosenheim abholen.", "Am Lindenbach 12 in Rosenheim"),
    ("de", "Bitte an Hauptstraße 5 in Köln liefern.", "Hauptstraße 5 in Köln"),
    ("sv", "Hämta den på Storgatan 5 i Malmö.", "Storgatan 5 i Malmö"),
    ("de", "Am Montag 5 Tickets in Bearbeitung.", None),
    ("de", "Im Lager 3 in Bremen fehlen Buchungen.", None),
    ("de", "Am Standort 2 in Hamburg ist das Terminal offline.", None),
    ("de", "Seit Version 5 in Produktion.", None),
    # an address after "go to"
    ("en", "The replacement laptop should go to 33 Maple Ave by Friday.", {"33 Maple Ave"}),
    ("en", "Please go to 3 Settings and tick the box.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
