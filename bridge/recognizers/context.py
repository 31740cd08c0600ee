"""Context words around a match: where a word counts, and which cell and header a value stands in.

Presidio's own context enhancement looks at single lemmas from the NLP pipeline. These
helpers look at the raw text around a match, so that multi-word phrases ("date of birth",
"från hemmet") and German compounds ("*nummer") work without a language model. Tables
and forms put the context word in a column header or a label line above the value
("Date of birth" ... "1964-06-26"); ``delimited_cell`` and ``ContextWords.in_header_*``
read those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

HEADER_LINES_UP = 40
HEADER_MAX_CHARS = 100
HEADER_MAX_WORDS = 10


# between the words of a phrase: spaces, or the joins of field names in logs and exports
# ("employee_no", "employee-no", "employeeNo"; a camelCase join only from lower to upper case)
PHRASE_JOIN = r"(?:\s+|\s*[_-]\s*|(?-i:(?<=[a-z])(?=[A-Z])))"


def phrase_core(phrase: str) -> str:
    """``phrase`` as a regex: the spaces between its words match ``PHRASE_JOIN``; a space at
    either end (a word after a ``*``: "* rad") stays a run of white space."""
    parts = re.split(r"(\s+)", phrase)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(re.escape(part))
        else:
            inner = 0 < index < len(parts) - 1 and parts[index - 1] and parts[index + 1]
            out.append(PHRASE_JOIN if inner else r"\s+")
    return "".join(out)


def word_pattern(word: str) -> str:
    """``*`` at either end of a context word matches any letters there (German compounds)."""
    word = word.strip()
    lead = word.startswith("*")
    trail = word.endswith("*")
    core = phrase_core(word.strip("*"))
    pattern = (r"\w*" if lead else r"(?<!\w)") + core + (r"\w*" if trail else "")
    if not trail and core and (core[-1].isalnum() or core[-1] == "_"):
        pattern += r"(?!\w)"
    return pattern


def _first_chars(word: str, header: bool = False) -> str | None:
    """A regex class body of the characters a match of ``word_pattern(word)`` (or, with
    ``header``, of ``_header_pattern(word)``) can start with; None when it could be empty."""
    word = word.strip()
    core = "".join(word.strip("* ").split()[:1]) if header else word.strip("*")
    if not core:
        return None
    first = r"\s" if core[0].isspace() else re.escape(core[0])
    return (r"\w" + first) if word.startswith("*") and not header else first


def _alternation(words: list[str], pattern: Callable[[str], str], header: bool = False) -> re.Pattern[str]:
    """One case-insensitive regex of ``words``, longest first, behind a look-ahead on the
    characters a match can start with. The look-ahead matches exactly where the alternation
    may; it only spares the regex engine trying every word at every position (``re`` finds
    no literal prefix in an alternation under IGNORECASE), which made the context words the
    largest share of a scan."""
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(pattern(w) for w in ordered)
    starts = [_first_chars(w, header) for w in ordered]
    if any(s is None for s in starts):
        return re.compile(body, re.IGNORECASE)
    return re.compile(f"(?=[{''.join(sorted(set(s for s in starts if s)))}])(?:{body})", re.IGNORECASE)


def _header_pattern(word: str) -> str:
    """Looser than ``word_pattern``: OCR and PDF text glue header words ("Person codeName"),
    CSV exports join them with underscores ("clock_no", "staff_id") or drop a word's hyphen
    ("SteuerID", "E_Mail" for "Steuer-ID", "E-Mail")."""
    core = r"[\s_-]*".join(re.escape(part) for part in re.split(r"[\s-]+", word.strip("* ")) if part)
    return r"(?<![^\W_])" + core + (r"(?!\w)" if word.endswith(".") else "")


SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# the end of a clause: a sentence end, a semicolon or a line break
# (a dot after a single letter or "Nr"/"No" is an abbreviation: "Pass-Nr. 123", "geb. 1.2.1990")
CLAUSE_END = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|[;\n]")
# the same without ";": "asks for a passport number; we entered <number>" is one sentence
SENTENCE_BREAK = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|\n")
# a blank line: the end of a paragraph
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n")
# a clause end or a comma before a new part of the sentence ("blocked by the firewall, at home
# she has 1.2.3.4"): an ignore word there is about another part of the sentence
PHRASE_END = re.compile(r"[!?](?:\s|$)|(?<!\b\w)(?<!\b[Nn][ro])\.(?:\s|$)|[;\n]|,\s")
# cell separators of delimited exports (CSV, TSV, pipe tables)
_CELL_SEPARATORS = (";", ",", "\t", "|")
# a markdown table's separator row under its header: |---|:---| (not the header itself)
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}")
# what may stand between a label and its value on the next line ("Date of birth:\n")
LABEL_GAP = re.compile(r"[\s:=|.\-]*")


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
            if any(ch.isdigit() for ch in above) or _RULE_ROW.match(above):
                continue  # another data row or a markdown separator row: keep looking up for the header
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
        self.regex = _alternation(self.words, word_pattern) if self.words else None
        # a word counts when it *ends* within the window; search back far enough for its start
        self.max_len = max((len(w) + (40 if "*" in w else 0) for w in self.words), default=0)
        exact = [w for w in self.words if "*" not in w]
        self.exact_regex = _alternation(exact, word_pattern) if exact else None
        self.has_wildcards = len(exact) < len(self.words)
        header_words = [w for w in self.words if len(w.strip("*. ")) >= 3]
        self.header_regex = _alternation(header_words, _header_pattern, header=True) if header_words else None

    def written_as(self, match: str) -> bool:
        """Whether ``match`` is one of the words exactly as written (case and all)."""
        return match in self.words

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
        ends = clause_end or CLAUSE_END
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
            if same_line and "\n" in between and not LABEL_GAP.fullmatch(between):
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
            if same_clause and (clause_end or CLAUSE_END).search(text, match.end(), start):
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
        if SENTENCE_END.search(text, end, match.start()):
            return None  # "repaired on 13/01/2025. She was born ...": the word is about something else
        return match.start() - end, match.group(0)
