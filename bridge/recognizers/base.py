"""The base of our recognizers: candidates from code, context words from rules.yaml.

Presidio's own context enhancement looks at single lemmas from the NLP pipeline. Ours
looks at the raw text around a match, so that multi-word phrases ("date of birth",
"från hemmet") and German compounds ("*nummer") work without a language model, and
so that the nearest word wins: "switchboard ... call me on <number>" is the caller's.

A subclass implements ``candidates(text)`` yielding ``Candidate`` objects with a base
score; ``analyze`` adds ``context_boost`` when a context word is nearer than an
ignore word, and drops the match when an ignore word is nearest.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

CONTEXT_BOOST = 0.35

# Set by the scanner while it scans attachment text: tables and forms put the context
# word in a column header or a label line above the value ("Date of birth" ... "1964-06-26").
_TABULAR: ContextVar[bool] = ContextVar("bridge_tabular_text", default=False)
HEADER_LINES_UP = 40
HEADER_MAX_CHARS = 100
HEADER_MAX_WORDS = 10


@contextmanager
def tabular_text(enabled: bool = True) -> Iterator[None]:
    """Within this block recognizers also take context words from header/label lines above."""
    token = _TABULAR.set(enabled)
    try:
        yield
    finally:
        _TABULAR.reset(token)


@dataclass
class Candidate:
    start: int
    end: int
    score: float
    note: str = ""
    needs_context: bool = False  # emitted only when a context word is found


def _word_pattern(word: str) -> str:
    """``*`` at either end of a context word matches any letters there (German compounds)."""
    word = word.strip()
    lead = word.startswith("*")
    trail = word.endswith("*")
    core = re.escape(word.strip("*")).replace(r"\ ", r"\s+")
    pattern = (r"\w*" if lead else r"(?<!\w)") + core + (r"\w*" if trail else "")
    if not trail and core and (core[-1].isalnum() or core[-1] == "_"):
        pattern += r"(?!\w)"
    return pattern


def _header_pattern(word: str) -> str:
    """Looser than ``_word_pattern``: OCR and PDF text glue header words ("Person codeName")."""
    core = r"\s*".join(re.escape(part) for part in word.strip("* ").split())
    return r"(?<![^\W_])" + core + (r"(?!\w)" if word.endswith(".") else "")


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


class ContextWords:
    """A set of context words compiled into one case-insensitive regex."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = [w for w in words if w.strip()]
        self.regex = (
            re.compile("|".join(_word_pattern(w) for w in sorted(self.words, key=len, reverse=True)), re.IGNORECASE)
            if self.words
            else None
        )
        header_words = [w for w in self.words if len(w.strip("*. ")) >= 3]
        self.header_regex = (
            re.compile("|".join(_header_pattern(w) for w in sorted(header_words, key=len, reverse=True)), re.IGNORECASE)
            if header_words
            else None
        )

    def in_header_above(self, text: str, start: int) -> str | None:
        """A context word in a header or label line above ``start`` (a short line without digits)."""
        if self.header_regex is None:
            return None
        line_start = text.rfind("\n", 0, start) + 1
        lines = text[:line_start].split("\n")[-HEADER_LINES_UP - 1 :]
        for line in reversed(lines):
            stripped = line.strip()
            if not stripped or any(ch.isdigit() for ch in stripped):
                continue
            if len(stripped) > HEADER_MAX_CHARS or len(stripped.split()) > HEADER_MAX_WORDS or stripped[-1] in ".?!,;":
                continue
            match = self.header_regex.search(stripped)
            if match:
                return match.group(0)
        return None

    def nearest_before(
        self, text: str, start: int, window: int, gap: re.Pattern[str] | None = None
    ) -> tuple[int, str] | None:
        """(distance, word) of the last context word ending within ``window`` chars before ``start``.

        With ``gap``, only a word followed by text that fully matches it counts
        ("person code: 1579", not "employee waited 120").
        """
        if self.regex is None or window <= 0:
            return None
        lo = max(0, start - window)
        best: tuple[int, str] | None = None
        for match in self.regex.finditer(text, lo, start):
            if gap is not None and not gap.fullmatch(text, match.end(), start):
                continue
            best = (start - match.end(), match.group(0))
        return best

    def nearest_after(self, text: str, end: int, window: int) -> tuple[int, str] | None:
        if self.regex is None or window <= 0:
            return None
        # no endpos: a cut-off word ("geb|lieben") must not look like a whole context word
        match = self.regex.search(text, end)
        if match is None or match.start() >= end + window:
            return None
        if _SENTENCE_END.search(text, end, match.start()):
            return None  # "repaired on 13/01/2025. She was born ...": the word is about something else
        return match.start() - end, match.group(0)


class BridgeRecognizer(EntityRecognizer):
    """A recognizer of one entity type in one language, configured from rules.yaml."""

    ENTITY: str = ""
    CONTEXT_BOOST = CONTEXT_BOOST

    def __init__(
        self,
        entity: str,
        language: str,
        context: Iterable[str] = (),
        ignore_context: Iterable[str] = (),
        window: int = 40,
        window_after: int = 0,
        options: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.entity = entity
        self.options = dict(options or {})
        self.window = window
        self.window_after = int(self.options.get("context_window_after", window_after))
        self.context_words = ContextWords(context)
        self.ignore_words = ContextWords(ignore_context)
        # options.context_gap: what may stand between a context word and the match
        gap = self.options.get("context_gap")
        self.gap = re.compile(gap, re.IGNORECASE) if gap else None
        self.table_headers = bool(self.options.get("table_header_context", True))
        super().__init__(
            supported_entities=[entity],
            name=name or type(self).__name__,
            supported_language=language,
            context=[],
        )

    def load(self) -> None:  # presidio calls this from __init__; nothing heavy to load
        pass

    # ------------------------------------------------------------------ subclass API

    def candidates(self, text: str) -> Iterator[Candidate]:
        raise NotImplementedError

    # ------------------------------------------------------------------ context

    def context_verdict(self, text: str, start: int, end: int) -> tuple[str, str]:
        """('boost'|'header'|'ignore'|'none', word): the nearest of the context and ignore words
        decides; in attachment text a header or label line above may supply the context."""
        pos = self.context_words.nearest_before(text, start, self.window, self.gap)
        neg = self.ignore_words.nearest_before(text, start, self.window)
        if pos is None and self.window_after:
            after = self.context_words.nearest_after(text, end, self.window_after)
            if after is not None:
                pos = after
        if neg is None and self.window_after:
            after_neg = self.ignore_words.nearest_after(text, end, self.window_after)
            if after_neg is not None:
                neg = after_neg
        if pos is not None and (neg is None or pos[0] < neg[0]):
            return "boost", pos[1]
        if neg is not None:
            return "ignore", neg[1]
        if self.table_headers and _TABULAR.get():
            header = self.context_words.in_header_above(text, start)
            if header is not None:
                return "header", header
        return "none", ""

    # ------------------------------------------------------------------ presidio API

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if self.entity not in entities:
            return []
        results = []
        for cand in self.candidates(text):
            verdict, word = self.context_verdict(text, cand.start, cand.end)
            if verdict == "ignore":
                continue
            score = cand.score
            note = cand.note
            if verdict in ("boost", "header"):
                score = min(1.0, score + self.CONTEXT_BOOST)
                where = "context word" if verdict == "boost" else "context word in a header/label line above"
                note = f"{note}; {where} '{word}'" if note else f"{where} '{word}'"
            elif cand.needs_context:
                continue
            if score <= 0:
                continue
            results.append(self._result(cand.start, cand.end, score, note))
        return results

    def _result(self, start: int, end: int, score: float, note: str) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            textual_explanation=note or None,
        )
        return RecognizerResult(
            entity_type=self.entity,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


class RegexRecognizer(BridgeRecognizer):
    """Candidates are the matches of ``PATTERN`` that pass ``validate`` (a checksum)."""

    PATTERN: re.Pattern[str]
    BASE_SCORE = 0.5
    NEEDS_CONTEXT = False

    def validate(self, value: str) -> bool:
        return True

    def base_score(self, value: str) -> float:
        return self.BASE_SCORE

    def candidates(self, text: str) -> Iterator[Candidate]:
        for match in self.PATTERN.finditer(text):
            start, end = match.span("v") if "v" in self.PATTERN.groupindex else match.span()
            value = text[start:end]
            if not self.validate(value):
                continue
            yield Candidate(start, end, self.base_score(value), "pattern and checksum", self.NEEDS_CONTEXT)
