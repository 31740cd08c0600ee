"""Language choice: the requester's locale wins when supported, else lingua, else the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.language import detect_language, detector_for, locale_language
from bridge.rules import Rules, load_rules, parse_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(ROOT / "rules.yaml")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hej, sedan uppdateringen kan vår medarbetare inte logga in i systemet. Kan ni titta på det?", "sv"),
        ("Guten Tag, seit dem Update kann sich unsere Mitarbeiterin nicht mehr anmelden. Können Sie helfen?", "de"),
        ("Hello, since the update our employee cannot log in any more. Could you have a look?", "en"),
    ],
)
def test_detects_each_supported_language(rules: Rules, text: str, expected: str) -> None:
    assert detect_language(text, None, rules) == expected


@pytest.mark.parametrize("hint, expected", [("sv-SE", "sv"), ("de_DE", "de"), ("EN", "en"), ("de", "de")])
def test_supported_locale_hint_wins(rules: Rules, hint: str, expected: str) -> None:
    assert detect_language("Hello, the export is slow since the update.", hint, rules) == expected


def test_unsupported_hint_falls_back_to_detection(rules: Rules) -> None:
    text = "Hej, sedan uppdateringen kan vår medarbetare inte logga in i systemet."
    assert locale_language("fr-FR", rules.languages.supported) is None
    assert detect_language(text, "fr-FR", rules) == "sv"


def test_empty_text_gives_the_default(rules: Rules) -> None:
    assert detect_language("", None, rules) == "en"
    german_default = parse_rules(b"languages: {default: de, supported: [en, sv, de]}\n")
    assert detect_language("   ", None, german_default) == "de"


def test_detector_is_built_once_and_restricted(rules: Rules) -> None:
    assert detector_for(rules) is detector_for(rules)
    only_two = parse_rules(b"languages: {default: en, supported: [en, de]}\n")
    # Swedish is not a choice: the answer is one of the supported languages
    assert detect_language("Hej, kan ni titta på det här ärendet snarast?", None, only_two) in ("en", "de")


def test_single_language_needs_no_detector() -> None:
    only_en = parse_rules(b"languages: {default: en, supported: [en]}\n")
    assert detect_language("Hej, kan ni titta på det?", None, only_en) == "en"
