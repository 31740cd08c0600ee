"""The base of our recognizers: candidates from code, context words from rules.yaml.

Ours look at the raw text around a match (``bridge.recognizers.context``), so that
multi-word phrases and German compounds work without a language model, and so that the
nearest word wins: "switchboard ... call me on <number>" is the caller's.

A subclass implements ``candidates(text, tabular)`` yielding ``Candidate`` objects with a
base score; ``analyze`` adds ``context_boost`` when a context word is nearer than an
ignore word, and drops the match when an ignore word is nearest. ``tabular`` says the
text may be a table or a form (attachment text): then a column header or a label line
above a value also supplies its context. The scanner passes it to ``analyze``.
"""

from __future__ import annotations

import bisect
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bridge.findings import FAILED_CHECK_NOTE
from bridge.recognizers.context import PARAGRAPH_BREAK, PHRASE_END, SENTENCE_BREAK, ContextWords, delimited_cell

CONTEXT_BOOST = 0.35
# recognition_metadata key of a value that is not the text of its span (``Candidate.value``)
VALUE_KEY = "bridge_value"
# trigger characters (``BridgeRecognizer.TRIGGER``)
DIGIT = re.compile(r"\d")


# Set by the scanner: the time.monotonic() by which one ticket's scan must end (rules.yaml
# scanner.max_scan_seconds). Recognizers check it as they go, so that a hostile text stops
# within a few candidates of the bound, not at the end of a chunk.
_DEADLINE: ContextVar[float | None] = ContextVar("bridge_scan_deadline", default=None)
_CHECK_EVERY = 32


class ScanTimedOut(Exception):
    """The scan ran past its deadline (``scan_deadline``)."""


@contextmanager
def scan_deadline(deadline: float | None) -> Iterator[None]:
    """Within this block recognizers raise ``ScanTimedOut`` once ``deadline`` has passed."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise ScanTimedOut


def _until_deadline(items: Iterable[Any]) -> Iterator[Any]:
    for index, item in enumerate(items):
        if index % _CHECK_EVERY == 0:
            check_deadline()
        yield item


@dataclass
class Candidate:
    start: int
    end: int
    score: float
    note: str = ""
    needs_context: bool = False  # emitted only when a context word is found
    # the value when it is not the text of the span: a name whose two cells stand apart
    value: str | None = None
    # its evidence is its own (an id column beside a name in the same row): the context and
    # ignore words around it (another cell's header, the row above) do not apply
    context_free: bool = False


class BridgeRecognizer(EntityRecognizer):
    """A recognizer of one entity type in one language, configured from rules.yaml."""

    ENTITY: str = ""
    CONTEXT_BOOST = CONTEXT_BOOST
    # A character every candidate holds (a digit, "@"): a text without one is not scanned at
    # all (``Scanner``). None: no such character. Keep it true when the patterns change
    # (tests/recognizers/test_triggers.py checks it on text without it).
    TRIGGER: re.Pattern[str] | None = None

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
        self.recognizer_name: str = name or type(self).__name__
        self.options = dict(options or {})
        self.window = window
        self.window_after = int(self.options.get("context_window_after", window_after))
        # options.ignore_words_after: whether ignore words in that window after the match count too
        self.ignore_after = bool(self.options.get("ignore_words_after", True))
        self.context_words = ContextWords(context)
        self.ignore_words = ContextWords(ignore_context)
        # options.context_gap: what may stand between a context word and the match
        gap = self.options.get("context_gap")
        self.gap = re.compile(gap, re.IGNORECASE) if gap else None
        self.table_headers = bool(self.options.get("table_header_context", True))
        # options.context_same_line: a context word on an earlier line counts only as a label above
        self.same_line = bool(self.options.get("context_same_line", False))
        # options.sentence_context_window: a context word further back in the same sentence/line
        # (up to this many characters) counts for the first candidate after it
        self.sentence_window = int(self.options.get("sentence_context_window", 0))
        # options.sentence_context_across_semicolon: that sentence goes on across ";"
        # ("asks for a passport number; we entered <number>"), never across "." or a line break
        self.sentence_end = SENTENCE_BREAK if self.options.get("sentence_context_across_semicolon") else None
        # options.previous_sentence_context_window: for a value grouped in spaces ("943 476 5919"),
        # a context word up to this many characters back in the previous sentence counts too
        # ("The NHS number on her record is wrong. It should be 943 476 5919."); not across a
        # blank line or past another candidate
        self.previous_sentence_window = int(self.options.get("previous_sentence_context_window", 0))
        # options.previous_sentences: how many sentence ends may stand between (default 1)
        self.previous_sentences = int(self.options.get("previous_sentences", 1))
        # options.previous_sentence_bare: that also holds for an ungrouped digit run (a checksummed
        # identifier whose check rejects most random runs: "... 'Steuer-IdNr unbekannt'. Laut
        # Personalbogen lautet sie 47193058234.")
        self.previous_sentence_bare = bool(self.options.get("previous_sentence_bare", False))
        # options.ignore_same_sentence: an ignore word counts only in the value's own sentence
        # ("... in ClockIn Mobile. Sie lautet <tax id>": the product's word labels no number there)
        self.ignore_same_sentence = bool(self.options.get("ignore_same_sentence", False))
        # options.context_first_only: a context word before serves only the first candidate after it
        self.first_only = bool(self.options.get("context_first_only", False))
        # options.ignore_wins_in_clause: an ignore word before the match in the same clause
        # beats a context word there ("the VPN gateway for home workers is 10.0.0.1")
        self.ignore_wins_in_clause = bool(self.options.get("ignore_wins_in_clause", False))
        # options.adjacent_context: per language, weak words ("on", "unter") that count only right
        # before the match and only when no ignore word stands in the same clause
        adjacent = self.options.get("adjacent_context") or {}
        self.adjacent_words = ContextWords(adjacent.get(language, []) if isinstance(adjacent, dict) else [])
        self.adjacent_gap = re.compile(r"[ \t:]*")
        # options.weak_context: per language, words that count like context words but only when
        # no ignore word stands in the same clause ("Unsere Zentrale erreichen Sie unter ...")
        weak = self.options.get("weak_context") or {}
        self.weak_words = ContextWords(weak.get(language, []) if isinstance(weak, dict) else [])
        super().__init__(
            supported_entities=[entity],
            name=name or type(self).__name__,
            supported_language=language,
            context=[],
        )

    def load(self) -> None:  # presidio calls this from __init__; nothing heavy to load
        pass

    # ------------------------------------------------------------------ subclass API

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        raise NotImplementedError

    # ------------------------------------------------------------------ context

    def blocking_spans(self, text: str, candidates: list[Candidate]) -> list[tuple[int, int]]:
        """Spans that use up a context word before them (options.context_first_only)."""
        return [(c.start, c.end) for c in candidates]

    @staticmethod
    def _blocked(blockers: list[tuple[int, int]] | None, word_end: int, start: int) -> bool:
        """Whether another candidate stands between a context word and ``start``.

        ``blockers`` are sorted by start: only those starting in ``[word_end, start)`` are
        visited, not every candidate of the text for every candidate."""
        if not blockers:
            return False
        index = bisect.bisect_left(blockers, (word_end, -1))
        while index < len(blockers) and blockers[index][0] < start:
            if blockers[index][1] <= start:
                return True
            index += 1
        return False

    def context_verdict(
        self,
        text: str,
        start: int,
        end: int,
        blockers: list[tuple[int, int]] | None = None,
        tabular: bool = False,
    ) -> tuple[str, str]:
        """('boost'|'header'|'ignore'|'none', word): the nearest of the context and ignore words
        decides; in attachment text a header or label line above may supply the context.

        In a row of a delimited export (CSV) the words are looked for in the value's own cell
        and in the header cell of its column only: the next cell or the row above says nothing
        about this value ("...,HTTP 500\n4471,..." is not an HTTP status before a clock number).
        """
        cell = delimited_cell(text, start, end) if tabular else None
        window = self.window if cell is None else min(self.window, start - cell.start)
        sentence_window = self.sentence_window if cell is None else min(self.sentence_window, start - cell.start)
        window_after = self.window_after if cell is None else min(self.window_after, cell.end - end)
        pos = self.context_words.nearest_before(text, start, window, self.gap, same_line=self.same_line)
        if pos is not None and self.first_only and self._blocked(blockers, start - pos[0], start):
            pos = None
        if pos is None and sentence_window:
            far = self.context_words.nearest_before(
                text, start, sentence_window, same_clause=True, clause_end=self.sentence_end
            )
            if far is not None and not self._blocked(blockers, start - far[0], start):
                pos = far
        if (
            pos is None and self.previous_sentence_window and cell is None
            and (self.previous_sentence_bare or " " in text[start:end])
        ):
            pos = self._previous_sentence_word(text, start, blockers)
        neg = self.ignore_words.nearest_before(
            text, start, window, same_line=self.same_line,
            same_clause=self.ignore_same_sentence, clause_end=SENTENCE_BREAK if self.ignore_same_sentence else None,
        )
        if pos is not None and neg is not None and self.ignore_wins_in_clause:
            # an ignore word inside the context phrase ("home router") does not count
            # and one before a comma that a context word follows is about another part of the sentence
            inside = self.context_words.all_before(text, start, window, same_clause=True)
            ctx_start = start - pos[0] - len(pos[1])
            for s_neg, e_neg in self.ignore_words.all_before(text, start, window, same_clause=True):
                if e_neg <= ctx_start and PHRASE_END.search(text, e_neg, ctx_start):
                    continue
                if not any(s <= s_neg and e_neg <= e for s, e in inside):
                    return "ignore", text[s_neg:e_neg]
        if pos is not None and neg is not None and self.context_words.is_wildcard_match(pos[1]):
            # "Huvudnummer" is "*nummer" and also the ignore word "huvudnummer": the ignore word wins
            pos_start, pos_end = start - pos[0] - len(pos[1]), start - pos[0]
            neg_start, neg_end = start - neg[0] - len(neg[1]), start - neg[0]
            if neg_start < pos_end and pos_start < neg_end:
                return "ignore", neg[1]
        before = pos
        if pos is None and window_after > 0:
            after = self.context_words.nearest_after(text, end, window_after)
            if after is not None:
                pos = after
        # an ignore word after the value counts only when no context word stands before it:
        # "her home connection shows up as 1.2.3.4 in the client" is her connection
        if neg is None and before is None and window_after > 0 and self.ignore_after:
            after_neg = self.ignore_words.nearest_after(text, end, window_after)
            if after_neg is not None:
                neg = after_neg
        if pos is not None and (neg is None or pos[0] < neg[0] or (pos[0] == neg[0] and len(pos[1]) > len(neg[1]))):
            return "boost", pos[1]
        if neg is not None:
            return "ignore", neg[1]
        if self.adjacent_words.regex is not None or self.weak_words.regex is not None:
            weak = self.adjacent_words.nearest_before(text, start, min(12, window), self.adjacent_gap, same_clause=True)
            weak = weak or self.weak_words.nearest_before(text, start, window, same_clause=True)
            if weak is not None and not self.ignore_words.all_before(text, start, 120, same_clause=True):
                return "boost", weak[1]
        if self.table_headers and tabular:
            if cell is not None:
                # the column's own header decides; a header word of another column does not count
                header = self.context_words.in_header_cell(cell)
                if header is not None:
                    return "header", header
                ignored = self.ignore_words.in_header_cell(cell)
                if ignored is not None:
                    return "ignore", ignored
                return "none", ""
            header = self.context_words.in_header_above(text, start)
            if header is not None:
                return "header", header
        return "none", ""

    def _previous_sentence_word(
        self, text: str, start: int, blockers: list[tuple[int, int]] | None
    ) -> tuple[int, str] | None:
        far = self.context_words.nearest_before(text, start, self.previous_sentence_window)
        if far is None:
            return None
        between = text[start - far[0] : start]
        # a paragraph that ends with a colon goes on below it ("Sie lautet:\n\n59 371 048 364")
        joined = re.sub(r":[ \t]*\n\s*\n", ": ", between)
        if PARAGRAPH_BREAK.search(joined) or len(SENTENCE_BREAK.findall(joined)) > self.previous_sentences:
            return None
        if self._blocked(blockers, start - far[0], start):
            return None
        return far

    # ------------------------------------------------------------------ presidio API

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, tabular: bool = False
    ) -> list[RecognizerResult]:
        if self.entity not in entities:
            return []
        results = []
        check_deadline()
        cands = list(_until_deadline(self.candidates(text, tabular)))
        blockers = (
            sorted(self.blocking_spans(text, cands))
            if cands and (self.first_only or self.sentence_window or self.previous_sentence_window)
            else None
        )
        for cand in _until_deadline(cands):
            if cand.context_free:
                results.append(self._result(cand.start, cand.end, cand.score, cand.note, cand.value))
                continue
            verdict, word = self.context_verdict(text, cand.start, cand.end, blockers, tabular)
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
            results.append(self._result(cand.start, cand.end, score, note, cand.value))
        return results

    def _result(self, start: int, end: int, score: float, note: str, value: str | None = None) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.recognizer_name,
            original_score=score,
            textual_explanation=note,
        )
        meta: dict[str, Any] = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.recognizer_name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
        }
        if value is not None:
            meta[VALUE_KEY] = value
        return RecognizerResult(
            entity_type=self.entity,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata=meta,
        )



# digits in groups ("30 948 175 269", "850412-1234"): the printed form, not a digit run
_GROUPED = re.compile(r"\d[ +\-/.]\d")


class RegexRecognizer(BridgeRecognizer):
    """Candidates are the matches of ``PATTERN`` that pass ``validate`` (a checksum)."""

    PATTERN: re.Pattern[str]
    BASE_SCORE = 0.5
    NEEDS_CONTEXT = False

    def validate(self, value: str) -> bool:
        return True

    def full_length(self, value: str) -> bool:
        """Whether ``value`` has the identifier's full length (a shorter number is no mistyped one)."""
        return True

    def base_score(self, value: str) -> float:
        return self.BASE_SCORE

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        # options.failed_check_score: a value in the identifier's printed, grouped form whose check
        # digit fails still is one (a typo, "the system says the check digit is wrong") when a context
        # word names it; it scores this, needs that word, and is weak evidence (FAILED_CHECK_NOTE)
        failed_score = float(self.options.get("failed_check_score", 0))
        for match in self.PATTERN.finditer(text):
            start, end = match.span("v") if "v" in self.PATTERN.groupindex else match.span()
            value = text[start:end]
            if not self.validate(value):
                if failed_score and _GROUPED.search(value) and self.full_length(value):
                    yield Candidate(start, end, failed_score, FAILED_CHECK_NOTE, True)
                continue
            yield Candidate(start, end, self.base_score(value), "pattern and checksum", self.NEEDS_CONTEXT)
