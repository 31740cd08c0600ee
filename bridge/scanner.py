"""The scanner: our recognizers (and any presidio ones the rules name), built once from the rules.

Models are loaded once per process (a ``Scanner`` is made once and shared). Per
language, ``scanner.nlp`` in rules.yaml names a spaCy model, or ``blank`` for the
tokenizer only: our recognizers work on the raw text and need no model, and a model's
named entity recognizer is only used by the optional ``spacy_person`` recognizer.

The recognizers are called directly rather than through presidio's AnalyzerEngine, so
that what the scanner knows about a text part is passed to them as an argument: whether
it may be a table or a form (attachment text), where a column header or a label line
above a value supplies its context. Presidio's lemma-based context enhancement is not
used: our recognizers apply their own context words (multi-word, per language,
nearest-wins) from the rules.
"""

from __future__ import annotations

import logging
import re

import spacy
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine

from bridge.findings import Finding, TextPart
from bridge.recognizers.base import BridgeRecognizer
from bridge.recognizers.factory import build_recognizers
from bridge.rules.schema import Rules

log = logging.getLogger(__name__)

BLANK = "blank"
BODY_PLACES = ("subject", "body")  # prose; everything else (attachments) may be tables and forms
CONTEXT_CHARS = 40


class RulesNlpEngine(SpacyNlpEngine):
    """spaCy per language: a named model, or ``spacy.blank(lang)`` (tokenizer only).

    Model names must be installed packages: unlike presidio's engine this one never
    tries to download a model at start-up.
    """

    engine_name = "bridge_spacy"

    def load(self) -> None:
        self.nlp = {}
        for model in self.models:
            lang, name = model["lang_code"], model["model_name"]
            if name == BLANK:
                self.nlp[lang] = spacy.blank(lang)
                continue
            if not spacy.util.is_package(name):
                raise RuntimeError(f"spaCy model {name!r} for {lang!r} is not installed (pip install it, or use 'blank')")
            # the NER is the only component our recognizers read
            self.nlp[lang] = spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])


def build_nlp_engine(rules: Rules) -> SpacyNlpEngine:
    models = [
        {"lang_code": lang, "model_name": rules.scanner.nlp.get(lang, BLANK)} for lang in rules.languages.supported
    ]
    provider = NlpEngineProvider(
        nlp_engines=(RulesNlpEngine,),
        nlp_configuration={"nlp_engine_name": RulesNlpEngine.engine_name, "models": models},
    )
    engine = provider.create_engine()
    if not engine.is_loaded():
        engine.load()
    return engine  # type: ignore[return-value]


def _resolve_overlaps(
    results: list[RecognizerResult], thresholds: dict[str, float], priority: list[str]
) -> list[RecognizerResult]:
    """One finding per stretch of text.

    A match inside a longer one that reaches its threshold is part of it (the house number
    inside an address, the digits inside an IBAN). Otherwise a finding that reaches its
    threshold beats one that does not, then ``scanner.overlap_priority`` decides (an NHS
    number written 943-476-5919 is also a valid US phone number), then the higher score,
    then the longer span.
    """

    def sure(r: RecognizerResult) -> bool:
        return r.score >= thresholds.get(r.entity_type, 1.0)

    results = [
        r
        for r in results
        if not any(
            o is not r and sure(o) and o.start <= r.start and r.end <= o.end and (o.end - o.start) > (r.end - r.start)
            for o in results
        )
    ]
    rank = {kind: i for i, kind in enumerate(priority)}
    ordered = sorted(
        results,
        key=lambda r: (not sure(r), rank.get(r.entity_type, len(rank)), -r.score, -(r.end - r.start), r.start),
    )
    kept: list[RecognizerResult] = []
    for result in ordered:
        if any(result.start < k.end and k.start < result.end for k in kept):
            continue
        kept.append(result)
    return sorted(kept, key=lambda r: r.start)


def _chunks(text: str, size: int) -> list[tuple[int, str]]:
    """Split very long text at whitespace into pieces of at most ``size`` characters."""
    if len(text) <= size:
        return [(0, text)]
    out = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = text.rfind("\n", pos + size // 2, end)
            if cut == -1:
                cut = text.rfind(" ", pos + size // 2, end)
            end = cut + 1 if cut != -1 else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


def _context(text: str, start: int, end: int, masks: list[tuple[int, int, str]]) -> str:
    """A few words either side of a finding, with every finding in view replaced by <TYPE>."""
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    pieces = []
    pos = lo
    for m_start, m_end, kind in sorted(masks):
        if m_end <= lo or m_start >= hi:
            continue
        pieces.append(text[pos:max(pos, m_start)])
        pieces.append(f"<{kind}>")
        pos = max(pos, m_end)
    pieces.append(text[pos:hi])
    snippet = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")


class Scanner:
    """Finds personal data in text parts. Build once; ``scan`` is safe to call repeatedly."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.languages = list(rules.languages.supported)
        self.entities = rules.enabled_entities()
        self.nlp_engine = build_nlp_engine(rules)
        self.recognizers: dict[str, list[EntityRecognizer]] = {
            lang: build_recognizers(rules, lang) for lang in self.languages
        }
        self.max_chars = rules.scanner.max_part_chars
        # A blank pipeline finds no entities and our recognizers read the raw text, so for
        # those languages tokenizing would be wasted work (a fifth of the scan time).
        self._no_nlp = {
            lang: NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=None, language=lang)  # type: ignore[arg-type]
            for lang in self.languages
            if rules.scanner.nlp.get(lang, BLANK) == BLANK
        }
        self.thresholds = {name: rule.threshold for name, rule in rules.entities.items()}

    def _language(self, language: str) -> str:
        return language if language in self.languages else self.rules.languages.default

    def _analyze_chunk(self, text: str, language: str, tabular: bool) -> list[RecognizerResult]:
        nlp_artifacts = self._no_nlp.get(language) or self.nlp_engine.process_text(text, language)
        results: list[RecognizerResult] = []
        for recognizer in self.recognizers[language]:
            if isinstance(recognizer, BridgeRecognizer):
                found = recognizer.analyze(text, self.entities, nlp_artifacts, tabular=tabular)
            else:
                found = recognizer.analyze(text=text, entities=self.entities, nlp_artifacts=nlp_artifacts)
            for result in found or []:
                meta = result.recognition_metadata or {}
                meta.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)
                result.recognition_metadata = meta
                if result.score > 0:
                    results.append(result)
        return EntityRecognizer.remove_duplicates(results)

    def analyze_text(self, text: str, language: str, tabular: bool = False) -> list[RecognizerResult]:
        """Recognizer results for one text, overlaps resolved. ``tabular``: the text may hold
        tables and forms, whose column headers and label lines give context to the values."""
        results: list[RecognizerResult] = []
        for offset, chunk in _chunks(text, self.max_chars):
            for result in self._analyze_chunk(chunk, language, tabular):
                result.start += offset
                result.end += offset
                results.append(result)
        return _resolve_overlaps(results, self.thresholds, self.rules.scanner.overlap_priority)

    def scan(self, parts: list[TextPart], language: str) -> list[Finding]:
        language = self._language(language)
        findings: list[Finding] = []
        for part in parts:
            text = part.text or ""
            if not text.strip():
                continue
            part_language = self._language(part.language) if part.language else language
            results = self.analyze_text(text, part_language, tabular=part.place not in BODY_PLACES)
            masks = [(r.start, r.end, r.entity_type) for r in results]
            for r in results:
                meta = r.recognition_metadata or {}
                findings.append(
                    Finding(
                        entity_type=r.entity_type,
                        place=part.place,
                        start=r.start,
                        end=r.end,
                        score=float(r.score),
                        recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
                        value=text[r.start : r.end],
                        detail=part.detail,
                        context=_context(text, r.start, r.end, masks),
                    )
                )
        return findings
