"""Special-category families: infections and notifiable diseases, named illnesses and a
certificate's reason, strokes, and criminal convictions; a computer's infection is none.

Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "SPECIAL_CATEGORY"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    ("de", "Laut Gesundheitsamt hat er eine Noro-Infektion.", "Infektion"),
    ("de", "Sie hat eine Darminfektion und bleibt zu Hause.", "Darminfektion"),
    ("de", "Er hat Tuberkulose und darf nicht arbeiten.", "Tuberkulose"),
    ("en", "He was infected with norovirus last week.", "infected with"),
    ("sv", "Hon är smittad och får inte jobba i köket.", "smittad"),
    ("de", "Grund laut Attest: Lungenentzündung.", "Lungenentzündung"),
    ("en", "She has pneumonia and will be off until Friday.", "pneumonia"),
    ("sv", "Han har lunginflammation sedan i måndags.", "lunginflammation"),
    ("sv", "Hon har en stroke bakom sig och jobbar deltid.", "har en stroke"),
    ("sv", "Han fick en blodpropp i benet.", "blodpropp"),
    ("de", "Im Führungszeugnis steht eine Verurteilung wegen Betrugs.", "Verurteilung wegen"),
    ("en", "He has a conviction for theft from 2019.", "conviction"),
    ("sv", "Han är dömd för bedrägeri.", "dömd"),
    # a computer's infection, a keystroke, a brush stroke: no one's health
    ("en", "The laptop had a malware infection after the update.", None),
    ("de", "Der Rechner hatte eine Infektion mit Schadsoftware.", None),
    ("en", "Every keystroke is logged by the kiosk app.", None),
    ("en", "It was a stroke of luck that the backup ran.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_family_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
