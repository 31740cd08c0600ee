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

import bisect
import logging
import re
import time
from dataclasses import replace
from typing import Any

import spacy
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine

from bridge.findings import Finding, TextPart
from bridge.normalise import normalise
from bridge.recognizers.base import VALUE_KEY, BridgeRecognizer, ScanTimedOut, scan_deadline
from bridge.recognizers.factory import build_recognizers
from bridge.rules.schema import Rules, model_hint
from bridge.structure import Structure, read_structure, subject_structure
from bridge.structure.parts import TABLE

log = logging.getLogger(__name__)

BLANK = "blank"
BODY_PLACES = ("subject", "body")  # prose; everything else (attachments) may be tables and forms
CONTEXT_CHARS = 40
_ALIGNED_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


class RulesNlpEngine(SpacyNlpEngine):
    """spaCy per language: a named model, or ``spacy.blank(lang)`` (tokenizer only).

    Model names must be installed packages: unlike presidio's engine this one never
    tries to download a model at start-up.
    """

    engine_name = "bridge_spacy"

    def load(self) -> None:
        nlp: dict[str, Any] = {}
        for model in self.models:
            lang, name = model["lang_code"], model["model_name"]
            if name == BLANK:
                nlp[lang] = spacy.blank(lang)
                continue
            if not spacy.util.is_package(name):
                raise RuntimeError(f"spaCy model {name!r} for {lang!r} is not installed ({model_hint(name)}, or use 'blank')")
            # the NER is the only component our recognizers read
            nlp[lang] = spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        self.nlp = nlp  # type: ignore[assignment]  # presidio declares it None until loaded


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

    O(n log n) in the number of results: dense text (a spreadsheet of names and numbers)
    yields tens of thousands of them.
    """

    def sure(r: RecognizerResult) -> bool:
        return r.score >= thresholds.get(r.entity_type, 1.0)

    results = _drop_contained(results, [o for o in results if sure(o)])
    rank = {kind: i for i, kind in enumerate(priority)}
    ordered = sorted(
        results,
        key=lambda r: (not sure(r), rank.get(r.entity_type, len(rank)), -r.score, -(r.end - r.start), r.start),
    )
    starts: list[int] = []  # kept spans never overlap, so sorted by start they are sorted by end too
    kept: list[RecognizerResult] = []
    for result in ordered:
        at = bisect.bisect_right(starts, result.start)
        if at > 0 and kept[at - 1].end > result.start:
            continue
        if at < len(kept) and kept[at].start < result.end:
            continue
        starts.insert(at, result.start)
        kept.insert(at, result)
    return kept


class _SureSpans:
    """Spans sorted by start with running maxima of their ends, to ask "is [s, e) strictly
    inside one of them" in O(log n)."""

    def __init__(self, spans: list[RecognizerResult]) -> None:
        ordered = sorted((r.start, r.end) for r in spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        best = -1
        for _, end in ordered:
            best = max(best, end)
            self.max_end.append(best)

    def _max_end(self, count: int) -> int:
        return self.max_end[count - 1] if count else -1

    def strictly_contains(self, start: int, end: int) -> bool:
        # some span starts at or before ``start`` and ends after ``end``, or starts before
        # ``start`` and ends at or after ``end``: either way it contains [start, end) and is longer
        at_or_before = bisect.bisect_right(self.starts, start)
        before = bisect.bisect_left(self.starts, start)
        return self._max_end(at_or_before) > end or self._max_end(before) >= end


def _drop_contained(results: list[RecognizerResult], sure: list[RecognizerResult]) -> list[RecognizerResult]:
    spans = _SureSpans(sure)
    return [r for r in results if not spans.strictly_contains(r.start, r.end)]


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


def _line_before(text: str, start: int, masks: list[tuple[int, int, str]], mask_ends: list[int]) -> str:
    """The finding's line up to it and up to LINES_ABOVE lines above it in its block (at most
    LINE_BEFORE_CHARS), every finding in it replaced by <TYPE>: the ownership checks of attachment
    text read a letterhead's line and the company name above an address from it."""
    lo = text.rfind("\n", 0, start) + 1
    for _ in range(LINES_ABOVE):
        above = text.rfind("\n", 0, max(lo - 1, 0)) + 1
        if lo == 0 or not text[above:lo].strip():
            break
        lo = above
    return _masked(text, max(lo, start - LINE_BEFORE_CHARS), start, masks, mask_ends)


LINE_BEFORE_CHARS = 240
LINES_ABOVE = 3


def _masked(text: str, lo: int, hi: int, masks: list[tuple[int, int, str]], mask_ends: list[int]) -> str:
    """``text[lo:hi]`` with every finding in it replaced by <TYPE> (no value left in it)."""
    pieces = []
    pos = lo
    for index in range(bisect.bisect_right(mask_ends, lo), len(masks)):
        m_start, m_end, kind = masks[index]
        if m_start >= hi:
            break
        if m_end <= lo:
            continue
        pieces.append(text[pos:max(pos, m_start)])
        pieces.append(f"<{kind}>")
        pos = max(pos, m_end)
    pieces.append(text[pos:hi])
    return "".join(pieces)


def _context(text: str, start: int, end: int, masks: list[tuple[int, int, str]], mask_ends: list[int]) -> str:
    """A few words either side of a finding, with every finding in view replaced by <TYPE>.

    ``masks`` are the part's findings sorted by start and not overlapping (as
    ``_resolve_overlaps`` leaves them), ``mask_ends`` their ends: only those in view are visited.
    """
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    snippet = re.sub(r"\s+", " ", _masked(text, lo, hi, masks, mask_ends)).strip()
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
            trigger = getattr(recognizer, "TRIGGER", None)
            if trigger is not None and trigger.search(text) is None:
                continue  # every candidate holds that character: nothing to find (a subject without digits)
            if isinstance(recognizer, BridgeRecognizer):
                found = recognizer.analyze(text, self.entities, nlp_artifacts, tabular=tabular)
            else:
                found = recognizer.analyze(text=text, entities=self.entities, nlp_artifacts=nlp_artifacts)
            for result in found or []:
                meta = result.recognition_metadata or {}
                meta.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, str(getattr(recognizer, "name", "")))
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

    def _analyze_part(self, text: str, place: str, language: str, structure: Structure) -> list[RecognizerResult]:
        """Attachment text is read with column headers and labels as context (tables, forms);
        the body as prose, except the tables pasted into it, read again by column."""
        results = self.analyze_text(text, language, tabular=place not in BODY_PLACES)
        if place in BODY_PLACES and structure.tables:
            for table in structure.tables:
                if structure.part_at(table.start) != TABLE:
                    continue  # columns of a log or a signature, not a table of people
                piece = text[table.start:table.end]
                if table.separator == "  ":
                    # columns aligned with spaces: mark each gap with a bar (same length, same
                    # offsets) so that a value's column header is found as in a delimited table
                    piece = _ALIGNED_GAP.sub(lambda gap: "|" + gap.group()[1:], piece)
                for r in self.analyze_text(piece, language, tabular=True):
                    r.start += table.start
                    r.end += table.start
                    results.append(r)
            results = _resolve_overlaps(results, self.thresholds, self.rules.scanner.overlap_priority)
        return results

    def scan(self, parts: list[TextPart], language: str) -> list[Finding]:
        """Every finding in ``parts``, however long they take (``scan_within`` bounds them)."""
        findings: list[Finding] = []
        self._scan_into(findings, parts, language)
        return findings

    def scan_within(
        self, parts: list[TextPart], language: str, max_chars: int, max_seconds: float
    ) -> tuple[list[Finding], str | None]:
        """The findings within ``max_chars`` characters (in order of the parts) and
        ``max_seconds``, and when a bound cut the scan short, why (no values: it goes into
        the review note). rules.yaml: ``scanner.max_ticket_chars``, ``max_scan_seconds``."""
        bounded, cut = _within_chars(parts, max_chars)
        try:
            with scan_deadline(time.monotonic() + max_seconds):
                findings = self.scan(bounded, language)
        except ScanTimedOut:
            return [], f"scan stopped after the limit of {max_seconds:g} s (scanner.max_scan_seconds)"
        if cut:
            return findings, (f"text longer than the scan limit: the first {max_chars} of {cut} "
                              "characters scanned (scanner.max_ticket_chars)")
        return findings, None

    def _scan_into(self, findings: list[Finding], parts: list[TextPart], language: str) -> None:
        language = self._language(language)
        for part in parts:
            text = part.text or ""
            if not text.strip():
                continue
            part_language = self._language(part.language) if part.language else language
            # recognizers and the structure reader see the text normalised (NFKC, no format
            # characters); a finding's offsets are mapped back to the original text, its value
            # is what was recognised
            norm = normalise(text)
            scanned = norm.text
            if part.place == "subject":
                structure = subject_structure(scanned)
            else:
                structure = read_structure(scanned, part.place not in BODY_PLACES)
            results = self._analyze_part(scanned, part.place, part_language, structure)
            masks = sorted((r.start, r.end, r.entity_type) for r in results)
            mask_ends = [m[1] for m in masks]
            for r in results:
                meta = r.recognition_metadata or {}
                start, end = norm.span(r.start, r.end)
                findings.append(
                    Finding(
                        entity_type=r.entity_type,
                        place=part.place,
                        start=start,
                        end=end,
                        score=float(r.score),
                        recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
                        value=str(meta.get(VALUE_KEY) or scanned[r.start : r.end]),
                        detail=part.detail,
                        context=_context(scanned, r.start, r.end, masks, mask_ends),
                        part=structure.part_at(r.start),
                        evidence=(r.analysis_explanation.textual_explanation or "") if r.analysis_explanation else "",
                        ocr=part.ocr,
                        row=structure.row_of(r.start),
                        column=structure.column_header(r.start) or "",
                        line_before=_line_before(scanned, r.start, masks, mask_ends) if part.place not in ("body", "subject") else "",
                    )
                )


def _within_chars(parts: list[TextPart], limit: int) -> tuple[list[TextPart], int]:
    """``parts`` cut to ``limit`` characters in all, and the total length when that cut
    something (0 when everything fits)."""
    total = sum(len(part.text or "") for part in parts)
    if total <= limit:
        return parts, 0
    out: list[TextPart] = []
    left = limit
    for part in parts:
        text = part.text or ""
        if left <= 0:
            break
        out.append(part if len(text) <= left else replace(part, text=text[:left]))
        left -= len(text)
    return out, total
