"""A recognizer's TRIGGER (a character every candidate holds: a digit, "@") lets the scanner skip
texts without it. These tests hold each recognizer to its claim: on realistic and dense text
with the trigger characters taken out it finds nothing, and the scanner's results on text
with them are the same as without the skip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridge.evaluate import load_corpus
from bridge.findings import TextPart
from bridge.recognizers.base import BridgeRecognizer
from bridge.scanner import Scanner
from tests.support.dense import dense_text

EVAL = Path(__file__).resolve().parents[2] / "eval"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out = [dense_text(20_000)]
    for folder in sorted(EVAL.iterdir()):
        if folder.is_dir() and (folder / "README.md").exists():
            try:
                items = load_corpus(folder)
            except Exception:  # a set in another layout: not needed here
                continue
            out.extend(f"{item.ticket.subject}\n{item.ticket.body}" for item in items)
    assert len(out) > 100
    return out


def _analyze(recognizer: Any, scanner: Scanner, text: str, tabular: bool) -> list[Any]:
    if isinstance(recognizer, BridgeRecognizer):
        return recognizer.analyze(text, scanner.entities, scanner._no_nlp.get("en"), tabular=tabular)
    return recognizer.analyze(text=text, entities=scanner.entities, nlp_artifacts=scanner._no_nlp.get("en")) or []


def test_recognizers_with_a_trigger_find_nothing_without_it(scanner: Scanner, texts: list[str]) -> None:
    triggered = [r for recs in scanner.recognizers.values() for r in recs if getattr(r, "TRIGGER", None) is not None]
    assert {r.name for r in triggered} >= {"phone", "email", "street_address", "date_of_birth", "person_code"}
    found_with = 0
    for recognizer in triggered:
        for text in texts:
            if recognizer.TRIGGER.search(text) is None:
                continue
            found_with += bool(_analyze(recognizer, scanner, text, tabular=True))
            without = recognizer.TRIGGER.sub("x", text)
            assert _analyze(recognizer, scanner, without, tabular=True) == [], recognizer.name
            assert _analyze(recognizer, scanner, without, tabular=False) == [], recognizer.name
    assert found_with > 50  # the texts do hold what these recognizers find


def test_skipping_a_text_without_the_trigger_changes_no_finding(scanner: Scanner, texts: list[str]) -> None:
    subjects = ["Password reset for Anna Berg please", "Konto gesperrt", "Fråga om faktura", "VPN down again"]
    for text in subjects + texts[:40]:
        skipped = scanner.scan([TextPart("subject", text), TextPart("body", text)], "en")
        saved = {}
        try:
            for recs in scanner.recognizers.values():
                for recognizer in recs:
                    if "TRIGGER" in vars(type(recognizer)):
                        saved[type(recognizer)] = type(recognizer).TRIGGER
                        type(recognizer).TRIGGER = None
            unskipped = scanner.scan([TextPart("subject", text), TextPart("body", text)], "en")
        finally:
            for cls, trigger in saved.items():
                cls.TRIGGER = trigger
        assert [(f.entity_type, f.start, f.end, f.score) for f in skipped] == [
            (f.entity_type, f.start, f.end, f.score) for f in unskipped
        ]
