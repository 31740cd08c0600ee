"""Special-category term families in EN/SV/DE: addiction and its treatment, surgery named as an
operation, observance of a named faith. The IT meanings of the same words ("the operation
failed", "OP-Code", "Operations team", "beroende på") are no terms, and a term about no one
identifiable is no violation. Values are invented; every case is a pattern.
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
    # addiction and its treatment
    ("en", "He is in detox until the end of the month.", "in detox"),
    ("en", "She has been at a rehab clinic since May.", "rehab clinic"),
    ("sv", "Han är inskriven på ett behandlingshem sedan i våras.", "behandlingshem"),
    ("sv", "Hon får hjälp för sitt spelberoende.", "spelberoende"),
    ("sv", "Han går på beroendemottagningen varje tisdag.", "beroendemottagningen"),
    ("de", "Er ist seit März in einer Suchtklinik.", "Suchtklinik"),
    ("de", "Sie macht gerade einen Entzug.", "einen Entzug"),
    ("de", "Er ist alkoholabhängig und in Behandlung.", "alkoholabhängig"),
    # surgery named as an operation
    ("en", "She had an operation on Friday and is off for two weeks.", "had an operation"),
    ("en", "He is recovering from knee surgery.", "knee surgery"),
    ("sv", "Hon ska opereras i december.", "opereras"),
    ("sv", "Han är borta efter sin höftoperation.", "höftoperation"),
    ("de", "Sie fällt nach einer Knie-OP sechs Wochen aus.", "Knie-OP"),
    ("de", "Er wird am Montag operiert.", "operiert"),
    ("de", "Nach seiner Hüftoperation arbeitet er halbtags.", "Hüftoperation"),
    # observance of a named faith, in inflected forms
    ("sv", "Hon tar ledigt för de muslimska högtiderna.", "muslimska"),
    ("sv", "Han firar de judiska högtiderna.", "judiska"),
    ("de", "Sie nimmt an den jüdischen Feiertagen frei.", "jüdischen"),
    ("en", "He is fasting during Ramadan and asked for early shifts.", "fasting during Ramadan"),
    # IT and general meanings of the same words
    ("en", "The operation failed with error 504.", None),
    ("en", "Please forward this to the Operations team.", None),
    ("en", "After an operation completes the list refreshes.", None),
    ("de", "Der OP-Code 17 ist im Export falsch.", None),
    ("de", "Die Operation ist fehlgeschlagen.", None),
    ("de", "Er sucht die Datei seit gestern.", None),
    ("de", "Nach dem Entzug der Rechte kann er nichts mehr sehen.", None),
    ("sv", "Det är beroende på vilken version ni har.", None),
    ("sv", "Operationen misslyckades i exporten.", None),
    ("en", "The holiday calendar lists Yom Kippur and Eid al-Fitr.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_term_families_are_found_and_it_meanings_are_not(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


REQUESTER = Requester(name="Helen Marsh", email="helen.marsh@example.co.uk")

DECISIONS = [
    ("sv", "Vår förare Nils Bergdahl är sedan i måndags på behandlingshem, vilken frånvarokod gäller?", "delete"),
    ("de", "Es geht um Frau Jana Korte, sie ist nach einer Schulter-OP krankgeschrieben.",
     "delete"),
    ("sv", "Medarbetaren Jonas Lindqvist tar ledigt för de judiska högtiderna, kan han arbeta in tiden?", "delete"),
    # a general question about staff with no one named stays clean
    ("en", "Can we add prayer breaks for staff who attend Friday prayers to the rota?", "none"),
    ("sv", "Hur registrerar vi ledighet för religiösa högtider för personalen?", "none"),
]


@pytest.mark.parametrize("language, body, action", DECISIONS, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECISIONS)])
def test_a_family_term_counts_only_about_an_identifiable_person(
    scanner: Scanner, rules: Rules, language: str, body: str, action: str
) -> None:
    ticket = Ticket(id="1", platform="test", subject="Frånvaro", body=body, requester=REQUESTER)
    decision = decide(scanner.scan([TextPart("body", body)], language), ticket, rules, [])
    assert decision.action == action, decision.reasons
