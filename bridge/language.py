"""Which language a ticket is written in: the requester's locale when the platform gives
a supported one, else lingua (restricted to the supported languages), else the default."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

if TYPE_CHECKING:
    from bridge.rules import Rules

_LOCK = threading.Lock()
SAMPLE_CHARS = 2000  # enough for a confident guess; keeps long tickets cheap


def _iso(code: str) -> IsoCode639_1 | None:
    try:
        return IsoCode639_1.from_str(code)
    except ValueError:
        return None


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> LanguageDetector | None:
    codes = [c for c in (_iso(lang) for lang in languages) if c is not None]
    if len(codes) < 2:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_minimum_relative_distance(0.05).build()


def detector_for(rules: "Rules") -> LanguageDetector | None:
    """The detector for the supported languages, built once per process."""
    with _LOCK:
        return _detector(tuple(rules.languages.supported))


def locale_language(locale_hint: str | None, supported: list[str]) -> str | None:
    """"sv-SE", "de_DE", "en" -> the supported language it names, or None."""
    if not locale_hint:
        return None
    code = locale_hint.strip().replace("_", "-").split("-")[0].lower()
    return code if code in supported else None


def detect_language(text: str, locale_hint: str | None, rules: "Rules") -> str:
    hinted = locale_language(locale_hint, rules.languages.supported)
    return hinted or guess_language(text, rules) or rules.languages.default


def guess_language(text: str, rules: "Rules") -> str | None:
    """lingua's confident guess among the supported languages, or None."""
    detector = detector_for(rules)
    sample = (text or "").strip()[:SAMPLE_CHARS]
    if detector is None or not sample:
        return None
    found = detector.detect_language_of(sample)
    if found is None:
        return None
    code = found.iso_code_639_1.name.lower()
    return code if code in rules.languages.supported else None
