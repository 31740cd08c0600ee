"""Full names: a first name from the name list and a surname; not products, companies or titles.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.findings import TextPart
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PERSON"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # full names (name list + surname), all languages
    # weekday names of a rota's header row are no names; a first name that is also one still is
    ("en", "Clock Mon Tue Wed Thu Fri Sat Sun\n4410 06-14 OFF 14-22", None),
    ("sv", "Klocknr Mån Tis Ons Tor Fre Lör Sön\n7701 D1 D1 N1", None),
    ("de", "PersNr Mo Di Mi Do Fr Sa So\n1044 F F S", None),
    ("sv", "Kan ni hjälpa Tor Andersson med schemat?", "Tor Andersson"),
    ("en", "Same issue for Luke Whitehead, by the way.", "Luke Whitehead"),
    ("sv", "Sedan i måndags kopplas Erik Sköld ner från VPN.", "Erik Sköld"),
    ("sv", "Efter återställningen kan Hans Andersson inte logga in.", "Hans Andersson"),
    ("de", "Unsere Agentin Caren Lübs hat die Gespräche angenommen.", "Caren Lübs"),
    ("de", "Horst-Dieter Mohaupt aus demselben Team hat das Problem.", "Horst-Dieter Mohaupt"),
    # a surname that is also a given name, with a noun's ending ("-enz"): still a surname
    ("de", "Der Antrag hängt bei Jannik Vinzenz fest.", "Jannik Vinzenz"),
    ("de", "Die Konferenz Frequenz wurde verschoben.", None),
    ("de", "Beste Grüße aus Bremen", None),
    ("de", "Seit gestern hat Frank Probleme mit der App.", None),
    ("en", "File Edit View Reports Tools Help", None),
    ("en", "Hi Jonas, the export fails.", None),
    ("sv", "Bergström & Johansson HB har inte fått fakturan.", None),
    ("de", "Mende Liebelt GmbH, Zentrale", None),
    # US compass letter before the street name; German streets named with a preposition
    ("en", "Jefferson Blvd is closed for roadworks.", None),
    # pet forms of common first names; German surnames that are also words
    ("en", "Alfie Murphy cannot log in since Monday.", "Alfie Murphy"),
    ("de", "Anja Lange aus dem Lager meldet sich.", "Anja Lange"),
    ("de", "Seit gestern hat Frank Lange Probleme.", "Frank Lange"),
    ("de", "Seit gestern hat Frank lange gewartet.", None),
    ("en", "Will Not Sync After Update", None),
    ("en", "Cookie Settings page is blank.", None),
    ("sv", "Hej Anna Efter lunch funkar det", None),
    # names with letters outside ASCII-Nordic-German and capitals inside
    ("sv", "Det var Ebba Marković på lönekontoret som såg det.", "Ebba Marković"),
    ("de", "Der Export für Torben Aydın bricht ab.", "Torben Aydın"),
    ("en", "The invite for Łukasz Wiśniewski bounced.", "Łukasz Wiśniewski"),
    ("en", "The login for DeShawn Miller bounced.", "DeShawn Miller"),
    ("en", "Please ask Sean O'Brien about it.", "Sean O'Brien"),
    ("en", "Ronald McDonald has the same problem.", "Ronald McDonald"),
    ("en", "Niamh MacKinnon has the same problem.", "Niamh MacKinnon"),
    ("en", "We use TeamViewer and PowerShell on the terminals.", None),
    ("en", "Mark JavaScript errors as resolved.", None),
    # cues before a name: a full name whose first name the list lacks
    ("de", "Unsere Kollegin Oluwaseun Adeyemi kann sich nicht anmelden.", "Oluwaseun Adeyemi"),
    ("en", "Please reset the password of Mr Tunde Bakare.", "Tunde Bakare"),
    ("sv", "Min kollega Anna Berg har samma fel.", "Anna Berg"),
    ("de", "Frau Krause hat das Problem auch.", "Krause"),  # a title and a surname name one person
    # towns of several words that start with a first name are places (GeoNames)
    ("en", "The depots in Milton Keynes and Stanley Park both fail.", None),
    ("en", "Milton Smith cannot log in.", "Milton Smith"),
    # a title and a surname alone name one person
    ("de", "Bitte Frau Krausmann zurückrufen.", "Krausmann"),
    ("en", "Mr Pettigrew needs his rota fixed.", "Pettigrew"),
    ("sv", "Fru Lindqvist har fel schema.", "Lindqvist"),
    ("de", "Herr Dr. Meyerhoff hat keinen Zugang.", "Meyerhoff"),
    ("de", "Die Frau am Empfang hat angerufen.", None),
    # a title counts only in its written case: "MX" or "HERR" in a product or a code is no title
    ("en", "The wireless MX Brannock keyboard lags after sleep.", None),
    ("en", "Mx Haverleigh asked for the rota.", "Haverleigh"),
    ("sv", "Vi ringde herr Lindqvist i går.", "Lindqvist"),
    # "Surname, First" as a cell of an export or a staff list row is one person
    ("de", "Personalnr;Name;Eintritt\n4711;Weber, Anna;01.03.2025", "Weber, Anna"),
    ("de", 'Nr;Name\n4712;"Berg,Jan"', "Berg,Jan"),
    ("en", "Kowalski, Thomas\t4713\tNights", "Kowalski, Thomas"),
    ("de", "PNr: 4711 | Name: Weber, Anna | Von: 22.12.2026", "Weber, Anna"),
    # ... but not a greeting, nor a list of first names, nor a comma in prose
    ("en", "Col;Note\n1;Hello, Anna", None),
    ("de", "Nr;Vornamen\n1;Anna, Maria", None),
    ("en", "We asked Kowalski, Thomas and the others about it.", None),
    # a listed first name written with accents the list lacks
    ("en", "Please add Ciarán Kelleher to the night rota.", "Ciarán Kelleher"),
    # Irish patronymic particles stand as words of their own
    ("en", "Our steward is Séamus Ó Dálaigh from the packing line.", "Séamus Ó Dálaigh"),
    ("en", "Please add Aoife Ní Bhriain to the night rota.", "Aoife Ní Bhriain"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


def test_a_cue_makes_a_name_strong_evidence(scanner: Scanner, rules: Rules) -> None:
    def score(text: str, language: str) -> float:
        return max(f.score for f in scanner.scan([TextPart("body", text)], language) if f.entity_type == "PERSON")

    cue = float(rules.entities["PERSON"].options["cue_score"])
    assert score("Herr Jan Müller ist gesperrt.", "de") == cue
    assert score("Jan Müller ist gesperrt.", "de") < cue


def test_product_names_from_the_rules_are_no_persons(rules: Rules) -> None:
    custom = rules.model_copy(deep=True)
    custom.scanner.names.product_names = ["Grace Hopper Suite", "Ada Lovelace"]
    scanner = Scanner(custom)
    found = {f.value for f in scanner.scan([TextPart("body", "Ada Lovelace and the Grace Hopper Suite crash; Anna Berg too.")], "en")
             if f.entity_type == "PERSON"}
    assert found == {"Anna Berg"}
