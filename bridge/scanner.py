"""The scanner: presidio's AnalyzerEngine with our recognizers, built once from the rules.

Models are loaded once per process (a ``Scanner`` is made once and shared). Per
language, ``scanner.nlp`` in rules.yaml names a spaCy model, or ``blank`` for the
tokenizer only: our recognizers work on the raw text and need no model, and a model's
named entity recognizer is only used by the optional ``spacy_person`` recognizer.

Presidio's lemma-based context enhancement is replaced by a no-op: our recognizers
apply their own context words (multi-word, per language, nearest-wins) from the rules.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine

from bridge.findings import Finding, TextPart
from bridge.recognizers import build_recognizers
from bridge.recognizers.base import tabular_text
from bridge.rules import Rules
from bridge.structure import Structure, read_structure, subject_structure

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


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores alone: our recognizers already applied the rules' context words."""

    def __init__(self) -> None:
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0, context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts, recognizers: Any, context: Any = None) -> list[RecognizerResult]:
        return raw_results


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
        registry = RecognizerRegistry(supported_languages=self.languages)
        for lang in self.languages:
            for recognizer in build_recognizers(rules, lang):
                registry.add_recognizer(recognizer)
        self.engine = AnalyzerEngine(
            registry=registry,
            nlp_engine=self.nlp_engine,
            supported_languages=self.languages,
            context_aware_enhancer=NoContextEnhancer(),
        )
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

    def analyze_text(self, text: str, language: str) -> list[RecognizerResult]:
        """Presidio results for one text, overlaps resolved."""
        results: list[RecognizerResult] = []
        for offset, chunk in _chunks(text, self.max_chars):
            for result in self.engine.analyze(
                text=chunk,
                language=language,
                entities=self.entities,
                return_decision_process=True,
                nlp_artifacts=self._no_nlp.get(language),
            ):
                result.start += offset
                result.end += offset
                results.append(result)
        return _resolve_overlaps(results, self.thresholds, self.rules.scanner.overlap_priority)

    def _analyze_part(self, text: str, place: str, language: str, structure: Structure) -> list[RecognizerResult]:
        """Attachment text is read with column headers and labels as context (tables, forms);
        the body as prose, except the tables pasted into it, read again by column."""
        with tabular_text(place not in BODY_PLACES):
            results = self.analyze_text(text, language)
        if place in BODY_PLACES and structure.tables:
            with tabular_text(True):
                for table in structure.tables:
                    for r in self.analyze_text(text[table.start:table.end], language):
                        r.start += table.start
                        r.end += table.start
                        results.append(r)
            results = _resolve_overlaps(results, self.thresholds, self.rules.scanner.overlap_priority)
        return results

    def scan(self, parts: list[TextPart], language: str) -> list[Finding]:
        language = self._language(language)
        findings: list[Finding] = []
        for part in parts:
            text = part.text or ""
            if not text.strip():
                continue
            if part.place == "subject":
                structure = subject_structure(text)
            else:
                structure = read_structure(text, part.place not in BODY_PLACES)
            results = self._analyze_part(
                text, part.place, self._language(part.language) if part.language else language, structure
            )
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
                        part=structure.part_at(r.start),
                    )
                )
        return findings
