"""A street name without a street word (a square, an esplanade, a named place) is an address
when a postcode and a town of the country's format follow it; a flat or floor part may stand
between. Counts, dates, versions and organisation numbers before a postcode-shaped number are not.
Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "STREET_ADDRESS"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    # a named place, square or esplanade with postcode and town
    ("sv", "Skicka den till Ingrid Holm, Östra Promenaden 14 lgh 1203, 211 45 Malmö, tack.",
     "Östra Promenaden 14 lgh 1203, 211 45 Malmö"),
    ("sv", "Leverans till Kungsplan 7, 411 17 Kungälv.", "Kungsplan 7, 411 17 Kungälv"),
    ("sv", "Ny adress:\nLindhagensplan 9\n112 43 Stockholm", "Lindhagensplan 9\n112 43 Stockholm"),
    ("de", "Bitte an Lindenhof 12, 54321 Neustadt schicken.", "Lindenhof 12, 54321 Neustadt"),
    ("de", "Die Lieferung geht an Kirchplatzl 4\n83022 Rosenheim", "Kirchplatzl 4\n83022 Rosenheim"),
    # a flat or floor part with a street word too
    ("sv", "Hon bor på Tomtebogatan 3, 2 tr, 113 38 Stockholm.", "Tomtebogatan 3, 2 tr, 113 38 Stockholm"),
    ("sv", "Adress: Storgatan 5 lgh 1201, 123 45 Ort", "Storgatan 5 lgh 1201, 123 45 Ort"),
    ("de", "Anschrift: Hauptstraße 5, Whg. 12, 10115 Berlin", "Hauptstraße 5, Whg. 12, 10115 Berlin"),
    # counts, versions, dates and numbers before a postcode-shaped number are no address
    ("de", "Version 3, 12345 Einträge wurden importiert.", None),
    ("de", "Zeile 4, 10234 Datensätze übersprungen.", None),
    ("de", "Summe 1200, 34567 Euro offen.", None),
    ("de", "Am 12.03.2026, 12345 Buchungen", None),
    ("sv", "Organisationsnummer 556677-8899, 123 45 Stockholm", None),
    ("sv", "Antal rader: 3 912\nVarningar: 3", None),
    ("en", "Release 2, 2026 Kunden", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_street_without_street_word_counts_with_postcode_and_town(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
