"""Special-category terms in their inflected forms (German and Swedish endings, none for English),
return to work after an illness, trade-union membership named by the union or its fee, and
offences named by what they are. Common-word union names count only with a membership cue;
general talk about no one stays clean. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.findings import TextPart
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "SPECIAL_CATEGORY"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    # inflected forms of one-word terms
    ("de", "Sie fehlt wegen eines Burnouts seit März.", "Burnouts"),
    ("de", "Er hat zwei Straftaten gestanden.", "Straftaten"),
    ("de", "Die schwangere Mitarbeiterin braucht einen Sitzplatz.", "schwangere"),
    ("sv", "Hon är tillbaka efter cancern och jobbar halvtid.", "cancern"),
    ("sv", "Han behöver rullstolen på plats vid stationen.", "rullstolen"),
    ("sv", "Hon har fått en fackavgift dragen två gånger.", "fackavgift"),
    # short terms and English take no endings
    ("de", "Wir haften nicht für fehlerhafte Exporte.", None),
    ("en", "The cancers of the report template are irrelevant.", None),
    # return to work after an illness
    ("de", "Für das BEM-Verfahren von ihr brauchen wir einen Raum.", "BEM-Verfahren"),
    ("de", "Er startet nach dem Hamburger Modell mit vier Stunden.", "Hamburger Modell"),
    ("de", "Die Wiedereingliederung läuft bis Ende Mai.", "Wiedereingliederung"),
    ("de", "Das Wiedereingliederungs-Zeitmodell fehlt.", "Wiedereingliederungs"),
    ("sv", "Vi har satt upp en rehabiliteringsplan för honom.", "rehabiliteringsplan"),
    ("sv", "Hon har arbetsträning tre dagar i veckan.", "arbetsträning"),
    ("sv", "Det gäller upptrappning efter sjukskrivning i april.", "upptrappning efter sjukskrivning"),
    ("en", "He is on a phased return from Monday.", "phased return"),
    ("en", "We made an occupational health referral for her.", "occupational health referral"),
    ("en", "She is off with a herniated disc for six weeks.", "herniated disc"),
    ("en", "Our BEM naming for CSS classes breaks the build.", None),
    # trade unions by name or fee
    ("sv", "Han har gått med i Transportarbetareförbundet i mars.", "Transportarbetareförbundet"),
    ("sv", "Hon är medlem i Kommunal sedan länge.", "Kommunal"),
    ("sv", "Det är en kommunal verksamhet med egen lönelista.", None),
    ("sv", "Unionen har en ny lönerevision i år.", None),
    ("sv", "Han gick med i Unionen förra månaden.", "Unionen"),
    ("de", "Sie ist Mitglied bei vida und will den Beitrag abziehen lassen.", "vida"),
    ("de", "Er ist bei der IG Metall.", "IG Metall"),
    ("de", "Er ist letztes Jahr bei ver.di eingetreten.", "ver.di"),
    ("en", "He joined Unite last spring.", "Unite"),
    ("en", "Please unite the two calendars into one.", None),
    ("en", "The Vision module crashes on startup.", None),
    ("en", "Her union dues should come off her salary.", "union dues"),
    # a union's pay agreement is no one's membership
    ("de", "Er wird nach dem Tarifvertrag der IG Metall bezahlt.", None),
    ("de", "Sie ist im IG-Metall-Tarif eingruppiert.", None),
    ("sv", "Lönen följer kollektivavtalet med IF Metall.", None),
    # offences named by what they are
    ("de", "Im Führungszeugnis steht Trunkenheit im Verkehr.", "Trunkenheit im Verkehr"),
    ("de", "Es gibt eine Eintragung im Führungszeugnis.", "Eintragung im Führungszeugnis"),
    ("de", "Der Server ist stark belastet.", None),
    ("en", "He has a drink-driving conviction from 2019.", {"drink-driving", "conviction"}),
    ("sv", "Han dömdes för rattfylleri förra året.", {"dömdes", "rattfylleri"}),
    ("sv", "Vi behöver ett utdrag ur belastningsregistret innan start.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_inflected_terms_unions_and_offences_are_found_and_common_words_are_not(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


REQUESTER = Requester(name="Helen Marsh", email="helen.marsh@example.co.uk")

DECISIONS = [
    ("sv", "Kalle Sundberg har gått med i Kommunal och fackavgiften ska dras på lönen.", "delete"),
    ("de", "Herr Jonas Ebeling war wegen eines Burnouts weg und startet mit Hamburger Modell.", "delete"),
    # general questions about no one stay clean
    ("sv", "Vilken löneart använder vi för fackavgift?", "none"),
    ("de", "Wie legen wir ein Arbeitszeitmodell für die Wiedereingliederung an?", "none"),
]


@pytest.mark.parametrize("language, body, action", DECISIONS, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECISIONS)])
def test_a_term_counts_only_about_an_identifiable_person(
    scanner: Scanner, rules: Rules, language: str, body: str, action: str
) -> None:
    ticket = Ticket(id="1", platform="test", subject="Fråga", body=body, requester=REQUESTER)
    decision = decide(scanner.scan([TextPart("body", body)], language), ticket, rules, [])
    assert decision.action == action, decision.reasons
