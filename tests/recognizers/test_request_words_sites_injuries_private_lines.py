"""Words that are first names somewhere but open a request ("Bitte Konten anlegen"), site names
after a place word ("... Valley Business Park") and illness names after a first-name word
("Long Covid") are no persons; a special-category term beats a name on the same words; a
pregnancy complication, a broken limb and a reported diagnosis are health terms; a private or
a relative's number is a person's phone; a named person's login from a client address is
their IP. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, counted, found_of

# (language, entity, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str, str | set[str] | None]] = [
    # a request's first word is no first name
    ("de", "PERSON", "Bitte Zugang freischalten, danke.", None),
    ("de", "PERSON", "Bitte den Wochenplan in Outlook eintragen.", None),
    ("de", "PERSON", "Bitte Postfächer vor Montag einrichten. Danke Jonas Reuter", "Jonas Reuter"),
    # site names after a place word
    ("en", "PERSON", "Ship it to Unit 7, Elsie Brook Business Park, Halifax HX1 2AB.", None),
    ("en", "PERSON", "The van is parked at Rowan Hill Industrial Estate today.", None),
    ("en", "PERSON", "Our stand is in the Carter Valley shopping area.", None),
    ("en", "PERSON", "Please add Rosa Park to the rota.", "Rosa Park"),
    # an illness name after a first-name word: the term, not a person
    ("de", "PERSON", "Diagnose laut Hausarzt: Long Covid.", None),
    ("de", "SPECIAL_CATEGORY", "Grund laut Mitarbeiterin: Long Covid.", "Long Covid"),
    # pregnancy complications
    ("en", "SPECIAL_CATEGORY", "She may start leave early because of pre-eclampsia.", "pre-eclampsia"),
    ("sv", "SPECIAL_CATEGORY", "Hon har fått havandeskapsförgiftning och är hemma.", "havandeskapsförgiftning"),
    ("de", "SPECIAL_CATEGORY", "Wegen einer Präeklampsie fällt sie aus.", "Präeklampsie"),
    # a fall and a broken limb
    ("en", "SPECIAL_CATEGORY", "He's off this week, he's had a fall and broke his ankle.", "ankle"),
    ("sv", "SPECIAL_CATEGORY", "Han bröt handleden i helgen.", "handleden"),
    ("de", "SPECIAL_CATEGORY", "Sie hat sich den Arm gebrochen.", "Arm"),
    ("en", "SPECIAL_CATEGORY", "The robot arm on line 2 is broken again.", None),
    ("en", "SPECIAL_CATEGORY", "Sales had a fall in March.", None),
    # a reported diagnosis
    ("de", "SPECIAL_CATEGORY", "Diagnose laut Arzt folgt nächste Woche.", "Diagnose laut Arzt"),
    # a private or a relative's number
    ("en", "PHONE_NUMBER", "Send the code to the personal number 0161 496 0321 instead.", "0161 496 0321"),
    ("en", "PHONE_NUMBER", "Her son's number if you need it is 01632 960 412.", "01632 960 412"),
    ("sv", "PHONE_NUMBER", "Skicka koden till privatnumret 08-555 321 09 i stället.", "08-555 321 09"),
    ("sv", "PHONE_NUMBER", "Hennes nummer är 08-555 321 10.", "08-555 321 10"),
    ("de", "PHONE_NUMBER", "Bitte an die private Nummer 030 5550123 schicken.", "030 5550123"),
    ("en", "PHONE_NUMBER", "Our switchboard is 0161 496 0000.", None),
    # a named person's login from a client address
    ("sv", "IP_ADDRESS", "Inloggningen för Greta Holm misslyckas från klient-IP 84.217.33.12.", "84.217.33.12"),
    ("en", "IP_ADDRESS", "The login for Mark Dunne fails from client IP 81.2.69.160.", "81.2.69.160"),
    ("de", "IP_ADDRESS", "Die Anmeldung von Petra Vogt scheitert von Client-IP 91.64.10.20.", "91.64.10.20"),
    ("en", "IP_ADDRESS", "The VPN client update server is 81.2.69.161.", None),
]


@pytest.mark.parametrize(
    "language, entity, text, expected", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_found_or_not(
    scanner: Scanner, rules: Rules, language: str, entity: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)


def test_special_category_beats_person_on_the_same_words(scanner: Scanner, rules: Rules) -> None:
    found = counted(scanner, rules, "Anna Kessler ist krank. Diagnose: Long Covid.", "de")
    assert ("SPECIAL_CATEGORY", "Long Covid") in found
    assert ("PERSON", "Long Covid") not in found


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Heute hilft Frank der Hausmeister beim Umzug.", None),
        ("Mia den Auftrag bitte nicht löschen.", None),
        ("Das Konto von Pieter van der Berg ist gesperrt.", "Pieter van der Berg"),
    ],
)
def test_a_lone_german_article_is_no_name_particle(scanner: Scanner, rules: Rules, text: str, expected: str | None) -> None:
    assert_found(found_of(scanner, rules, text, "de", "PERSON"), expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a made-up number of one of our regions: counts with a person's context word only
        ("Please text the code to her private number +353 91 555 0187 instead.", "+353 91 555 0187"),
        ("Our Galway desk is +353 91 555 0187.", None),
        # a country code outside our regions stays out
        ("Please text the code to her private number +86 12 555 0187 instead.", None),
    ],
)
def test_an_unassigned_international_number_counts_only_with_a_context_word(
    scanner: Scanner, rules: Rules, text: str, expected: str | None
) -> None:
    assert_found(found_of(scanner, rules, text, "en", "PHONE_NUMBER"), expected)
