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

import bisect
import re
import time
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
    """Looser than ``_word_pattern``: OCR and PDF text glue header words ("Person codeName"),
    CSV exports join them with underscores ("clock_no", "staff_id")."""
    core = r"[\s_]*".join(re.escape(part) for part in word.strip("* ").split())
    return r"(?<![^\W_])" + core + (r"(?!\w)" if word.endswith(".") else "")


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# the end of a clause: a sentence end, a semicolon or a line break
# (a dot after a single letter or "Nr"/"No" is an abbreviation: "Pass-Nr. 123", "geb. 1.2.1990")
_CLAUSE_END = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|[;\n]")
# the same without ";": "asks for a passport number; we entered <number>" is one sentence
_SENTENCE_BREAK = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|\n")
# a clause end or a comma before a new part of the sentence ("blocked by the firewall, at home
# she has 1.2.3.4"): an ignore word there is about another part of the sentence
_PHRASE_END = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|[;\n]|,\s")
# cell separators of delimited exports (CSV, TSV, pipe tables)
_CELL_SEPARATORS = (";", ",", "\t", "|")
# what may stand between a label and its value on the next line ("Date of birth:\n")
_LABEL_GAP = re.compile(r"[\s:=|.\-]*")


@dataclass
class Cell:
    """Where a value stands in a delimited export: its cell and the header cell of its column."""

    start: int  # first character of the cell
    end: int  # end of the cell (the next separator or the line end)
    header: str  # the header line's cell in the same column


def _split_cells(line: str, sep: str) -> list[str]:
    return line.split(sep)


# Lines longer than this are not rows or labels of a table, and the header search looks no
# further back than this: each match then costs at most a bounded stretch of text, whatever
# the text's length (a 2 MB attachment on one line must not make the scan quadratic).
MAX_ROW_CHARS = 10_000
MAX_LOOKBACK_CHARS = 64_000


def line_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(line start, line end) of the line holding ``text[start:end]``, None when it is
    longer than ``MAX_ROW_CHARS``."""
    floor = max(0, start - MAX_ROW_CHARS)
    line_start = text.rfind("\n", floor, start) + 1
    if line_start == 0 and floor > 0:
        return None
    ceiling = min(len(text), end + MAX_ROW_CHARS)
    line_end = text.find("\n", end, ceiling)
    if line_end == -1:
        if ceiling < len(text):
            return None
        line_end = len(text)
    return line_start, line_end


def lines_above(text: str, line_start: int, count: int = HEADER_LINES_UP + 1) -> list[str]:
    """``text[:line_start].split("\n")[-count:]`` without copying the text before
    ``line_start`` (that made each match cost the length of the whole text), and no
    further back than ``MAX_LOOKBACK_CHARS``."""
    if line_start <= 0:
        return [""][-count:] if count else []
    floor = max(0, line_start - MAX_LOOKBACK_CHARS)
    lines: list[str] = [""]  # ``text[:line_start]`` ends with the line break
    end = line_start - 1  # the break before this line
    while len(lines) < count:
        begin = text.rfind("\n", floor, end) + 1
        if begin == 0 and floor > 0:
            break  # a line reaching past the look-back limit
        lines.append(text[begin:end])
        if begin == 0:
            break
        end = begin - 1
    lines.reverse()
    return lines


def delimited_cell(text: str, start: int, end: int) -> Cell | None:
    """The cell of ``text[start:end]`` when its line is a row of a delimited export (CSV, TSV)
    under a header line with the same number of separators and no digits ("clock_no,date,hours")."""
    bounds = line_bounds(text, start, end)
    if bounds is None:
        return None
    line_start, line_end = bounds
    line = text[line_start:line_end].rstrip("\r")
    for sep in _CELL_SEPARATORS:
        count = line.count(sep)
        if count < 2 or sep in text[start:end]:
            continue
        for above in reversed(lines_above(text, line_start)):
            above = above.strip("\r\ufeff")
            if not above.strip():
                continue
            if above.count(sep) != count:
                continue
            if any(ch.isdigit() for ch in above):
                continue  # another data row: keep looking up for the header
            col = text.count(sep, line_start, start)
            if text.count(sep, start, end):
                return None
            cells = _split_cells(above, sep)
            cell_start = text.rfind(sep, line_start, start)
            cell_start = line_start if cell_start == -1 else cell_start + len(sep)
            cell_end = text.find(sep, end, line_start + len(line))
            cell_end = line_start + len(line) if cell_end == -1 else cell_end
            return Cell(cell_start, cell_end, cells[col] if col < len(cells) else "")
        return None
    return None


_WORD_CHARS = re.compile(r"\w*")


def _word_end(text: str, pos: int, longest: int = 200) -> int:
    """``pos`` moved on past the word it falls in (at most ``longest`` characters)."""
    if pos >= len(text):
        return len(text)
    match = _WORD_CHARS.match(text, pos, min(len(text), pos + longest))
    return match.end() + 1 if match else pos


class ContextWords:
    """A set of context words compiled into one case-insensitive regex."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = [w for w in words if w.strip()]
        self.regex = (
            re.compile("|".join(_word_pattern(w) for w in sorted(self.words, key=len, reverse=True)), re.IGNORECASE)
            if self.words
            else None
        )
        # a word counts when it *ends* within the window; search back far enough for its start
        self.max_len = max((len(w) + (40 if "*" in w else 0) for w in self.words), default=0)
        exact = [w for w in self.words if "*" not in w]
        self.exact_regex = (
            re.compile("|".join(_word_pattern(w) for w in sorted(exact, key=len, reverse=True)), re.IGNORECASE)
            if exact
            else None
        )
        self.has_wildcards = len(exact) < len(self.words)
        header_words = [w for w in self.words if len(w.strip("*. ")) >= 3]
        self.header_regex = (
            re.compile("|".join(_header_pattern(w) for w in sorted(header_words, key=len, reverse=True)), re.IGNORECASE)
            if header_words
            else None
        )

    def is_wildcard_match(self, word: str) -> bool:
        """Whether ``word`` (a match of these words) matched only through a ``*`` word."""
        if not self.has_wildcards:
            return False
        return self.exact_regex is None or self.exact_regex.fullmatch(word) is None

    def in_header_cell(self, cell: Cell) -> str | None:
        """A context word in the header cell of the value's column."""
        if self.header_regex is None:
            return None
        match = self.header_regex.search(cell.header)
        return match.group(0) if match else None

    def in_header_above(self, text: str, start: int) -> str | None:
        """A context word in a header or label line above ``start`` (a short line without digits)."""
        if self.header_regex is None:
            return None
        bounds = line_bounds(text, start, start)
        if bounds is None:
            return None
        for line in reversed(lines_above(text, bounds[0])):
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
        self,
        text: str,
        start: int,
        window: int,
        gap: re.Pattern[str] | None = None,
        same_line: bool = False,
        same_clause: bool = False,
        clause_end: re.Pattern[str] | None = None,
    ) -> tuple[int, str] | None:
        """(distance, word) of the last context word ending within ``window`` chars before ``start``.

        With ``gap``, only a word followed by text that fully matches it counts
        ("person code: 1579", not "employee waited 120"). With ``same_line``, a word on an
        earlier line counts only when nothing but punctuation follows it there (a label line
        above its value: "Date of birth:\n1984-03-12"), never one inside an unrelated log line.
        With ``same_clause``, the word must stand in the same sentence/clause (no sentence end,
        ";" or line break in between).
        """
        if self.regex is None or window <= 0:
            return None
        ends = clause_end or _CLAUSE_END
        limit = max(0, start - window)
        lo = max(0, limit - self.max_len)
        best: tuple[int, str] | None = None
        for match in self.regex.finditer(text, lo, start):
            if match.end() < limit:
                continue
            between = text[match.end() : start]
            if gap is not None and not gap.fullmatch(between):
                continue
            if same_clause and ends.search(between):
                continue
            if same_line and "\n" in between and not _LABEL_GAP.fullmatch(between):
                continue
            best = (start - match.end(), match.group(0))
        return best

    def all_before(
        self, text: str, start: int, window: int, same_clause: bool = False, clause_end: re.Pattern[str] | None = None
    ) -> list[tuple[int, int]]:
        """Spans of all words ending within ``window`` chars before ``start``."""
        if self.regex is None or window <= 0:
            return []
        limit = max(0, start - window)
        out = []
        for match in self.regex.finditer(text, max(0, limit - self.max_len), start):
            if match.end() < limit:
                continue
            if same_clause and (clause_end or _CLAUSE_END).search(text, match.end(), start):
                continue
            out.append(match.span())
        return out

    def nearest_after(self, text: str, end: int, window: int) -> tuple[int, str] | None:
        if self.regex is None or window <= 0:
            return None
        # a word must start within the window; the search may run on to the end of the word
        # there (a cut-off word, "geb|lieben", must not look like a whole context word), but
        # not through the rest of the text: that made each match cost the text's length
        match = self.regex.search(text, end, _word_end(text, end + window + self.max_len))
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
        self.sentence_end = _SENTENCE_BREAK if self.options.get("sentence_context_across_semicolon") else None
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

    def candidates(self, text: str) -> Iterator[Candidate]:
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
        self, text: str, start: int, end: int, blockers: list[tuple[int, int]] | None = None
    ) -> tuple[str, str]:
        """('boost'|'header'|'ignore'|'none', word): the nearest of the context and ignore words
        decides; in attachment text a header or label line above may supply the context.

        In a row of a delimited export (CSV) the words are looked for in the value's own cell
        and in the header cell of its column only: the next cell or the row above says nothing
        about this value ("...,HTTP 500\n4471,..." is not an HTTP status before a clock number).
        """
        tabular = _TABULAR.get()
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
        neg = self.ignore_words.nearest_before(text, start, window, same_line=self.same_line)
        if pos is not None and neg is not None and self.ignore_wins_in_clause:
            # an ignore word inside the context phrase ("home router") does not count
            # and one before a comma that a context word follows is about another part of the sentence
            inside = self.context_words.all_before(text, start, window, same_clause=True)
            ctx_start = start - pos[0] - len(pos[1])
            for s_neg, e_neg in self.ignore_words.all_before(text, start, window, same_clause=True):
                if e_neg <= ctx_start and _PHRASE_END.search(text, e_neg, ctx_start):
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

    # ------------------------------------------------------------------ presidio API

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if self.entity not in entities:
            return []
        results = []
        check_deadline()
        cands = list(_until_deadline(self.candidates(text)))
        blockers = sorted(self.blocking_spans(text, cands)) if (self.first_only or self.sentence_window) else None
        for cand in _until_deadline(cands):
            verdict, word = self.context_verdict(text, cand.start, cand.end, blockers)
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
