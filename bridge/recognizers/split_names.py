"""Full names split over a first-name and a last-name column of one table row.

Staff lists and exports often keep ``First name | Last name`` (``Vorname;Nachname``,
``first_name,last_name``) apart. Neither cell alone is a full name, and the first name may
be on no name list, yet the header says the two cells of a row name one person. Two row
shapes are read:

* positional: a header line of ``|``, tab or ``;`` separated cells names the columns, and
  each following line with as many cells is a row (pasted tables, DOCX tables, the aligned
  tables the scanner rewrites with bars);
* labelled: each cell carries its header, ``First name: Anna | Last name: Berg`` (CSV and
  XLSX rows as ``bridge.extract.csvtext`` writes them, which leave blank cells out).

Only cells of such columns are read, and only when they look like a name (letters, at most
four words, capitalised): totals rows, blank cells and repeated header rows are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SEPARATORS = ("|", "\t", ";")
MAX_HEADER_WORDS = 4
MAX_LABEL_CHARS = 40
MAX_NAME_WORDS = 4
MAX_CACHED_HEADERS = 4096
NOTE = "first and last name columns of one table row"

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_HUMP = re.compile(r"(?<=[a-zäöüåß])(?=[A-ZÄÖÜÅ])")  # "firstName", "FirstName"
_JOINERS = re.compile(r"[\s_\-./]+")
# "Vor- und Nachname", "First and last name", "Name, Vorname": one column holding a whole name
_WHOLE_NAME = re.compile(r",|&|\+|\b(?:and|und|och|or|oder|eller)\b")
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")
_LABELLED = re.compile(r"[ \t]*(?P<label>[^:\n]{1,%d}?):[ \t]*" % MAX_LABEL_CHARS)


def header_words(cell: str) -> list[str]:
    """A header cell as lower-case words: "FirstName", "first_name", "First Name (legal)" and
    "FIRST-NAME" all read "first name"."""
    cell = _BRACKETS.sub(" ", cell).strip().strip(":*#\ufeff\"'")
    cell = _HUMP.sub(" ", cell)
    return [w for w in _JOINERS.split(cell.casefold()) if w]


class HeaderWords:
    """The header words of one side (first or last name); ``*word`` matches a compound's end."""

    def __init__(self, words: Iterable[str]) -> None:
        self.phrases: list[list[str]] = []
        self.suffixes: list[str] = []
        for word in words:
            if word.strip().startswith("*"):
                self.suffixes.append(word.strip().lstrip("*").casefold())
            elif header_words(word):
                self.phrases.append(header_words(word))
        self.single = {p[0] for p in self.phrases if len(p) == 1} | set(self.suffixes)
        # what the casefolded text of a header must hold somewhere, however it is written
        self.hints = {p[-1] for p in self.phrases} | set(self.suffixes)

    def matches(self, words: list[str]) -> bool:
        """The header ends with one of the phrases ("Employee first name"), or its last word
        ends with a compound suffix ("Kundenvorname")."""
        if not words or len(words) > MAX_HEADER_WORDS:
            return False
        if any(words[-len(p):] == p for p in self.phrases if len(p) <= len(words)):
            return True
        return any(words[-1].endswith(s) and len(words[-1]) > len(s) for s in self.suffixes)

    def mentions(self, words: list[str]) -> bool:
        return any(w in self.single or any(w.endswith(s) for s in self.suffixes) for w in words)


@dataclass(frozen=True)
class CellSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SplitName:
    start: int
    end: int
    value: str  # "First Last" as written in the two cells


FIRST, LAST, BESIDE = "first", "last", "beside"


class SplitNameColumns:
    """Finds the full names of tables with a first-name and a last-name column."""

    def __init__(
        self,
        first: Iterable[str],
        last: Iterable[str],
        surname_beside_first: Iterable[str] = (),
        placeholders: Iterable[str] = (),
        not_surnames: Iterable[str] = (),
    ) -> None:
        self.first = HeaderWords(first)
        self.last = HeaderWords(last)
        # "Vorname | Name": beside a first-name column, a bare "Name" column holds the surname
        self.beside = HeaderWords(surname_beside_first)
        # "Total", "n/a", "TBD" in a name column are no one's name; a company's legal form or a
        # weekday is no surname ("not_surnames" of the name matcher)
        self.placeholders = {str(w).casefold() for w in placeholders if w is not None}
        self.not_surnames = {w.casefold() for w in not_surnames}
        self._sides: dict[str, str | None] = {}  # a CSV repeats its header in every row

    @property
    def enabled(self) -> bool:
        return bool(self.first.phrases or self.first.suffixes) and bool(self.last.phrases or self.last.suffixes)

    def side(self, cell: str) -> str | None:
        """FIRST, LAST or BESIDE for a header cell naming such a column, else None."""
        if cell in self._sides:
            return self._sides[cell]
        side = self._side(cell)
        if len(self._sides) < MAX_CACHED_HEADERS:
            self._sides[cell] = side
        return side

    def _side(self, cell: str) -> str | None:
        if _WHOLE_NAME.search(cell.casefold()):
            return None
        words = header_words(cell)
        first, last = self.first.matches(words), self.last.matches(words)
        if first and not last and not self.last.mentions(words):
            return FIRST
        if last and not first and not self.first.mentions(words):
            return LAST
        if not first and not last and self.beside.matches(words) and len(words) == 1:
            return BESIDE
        return None

    def find(self, text: str) -> Iterator[SplitName]:
        """Full names of every row; each line is read once (labelled before positional)."""
        folded = text.casefold()
        if not any(hint in folded for hint in self.first.hints):
            return  # no first-name header anywhere: most texts
        done: set[int] = set()
        lines = list(_lines(text))
        for start, line in lines:
            found = self._labelled(line, start)
            if found is not None:
                done.add(start)
                yield found
        for sep in SEPARATORS:
            yield from self._positional(lines, sep, done)

    # ------------------------------------------------------------------ rows

    def _labelled(self, line: str, offset: int) -> SplitName | None:
        for sep in SEPARATORS:
            if sep not in line:
                continue
            cells = _cells(line, offset, sep)
            sides: dict[str, tuple[int, CellSpan]] = {}
            for index, cell in enumerate(cells):
                match = _LABELLED.match(cell.text)
                if match is None:
                    continue
                side = self.side(match.group("label"))
                if side is not None and side not in sides:
                    value = _strip(CellSpan(cell.start + match.end(), cell.end, cell.text[match.end():]))
                    sides[side] = (index, value)
            if FIRST in sides and (LAST in sides or BESIDE in sides):
                return self._name(sides[FIRST], sides.get(LAST) or sides[BESIDE])
        return None

    def _positional(self, lines: list[tuple[int, str]], sep: str, done: set[int]) -> Iterator[SplitName]:
        index = 0
        while index < len(lines):
            columns = self._header(lines[index][1], sep)
            index += 1
            if columns is None:
                continue
            width, first_col, last_col, labels = columns
            while index < len(lines):
                offset, line = lines[index]
                if sep == "|" and _RULE_ROW.match(line):
                    index += 1
                    continue
                if sep not in line:
                    break  # the end of the table
                index += 1
                cells = _cells(line, offset, sep)
                if len(cells) != width or offset in done:
                    continue  # a row whose export left blank cells out: its columns are unknown
                given = _strip(_unlabel(cells[first_col], labels.get(first_col)))
                family = _strip(_unlabel(cells[last_col], labels.get(last_col)))
                found = self._name((first_col, given), (last_col, family))
                if found is not None:
                    yield found

    def _header(self, line: str, sep: str) -> tuple[int, int, int, dict[int, str]] | None:
        """(cell count, first-name column, last-name column, labels) of a header line. A sheet
        whose first row is a title makes the export label the first column with it ("Staff
        list: Förnamn" above "Staff list: Anna"): ``labels`` are those to take off the cells."""
        if sep not in line or any(ch.isdigit() for ch in line):
            return None
        cells = line.split(sep)
        sides: dict[str, int] = {}
        labels: dict[int, str] = {}
        for index, cell in enumerate(cells):
            match = _LABELLED.match(cell)
            side = self.side(cell[match.end():] if match else cell)
            if side is not None and side not in sides:
                sides[side] = index
                if match:
                    labels[index] = match.group("label").strip()
        last = sides.get(LAST, sides.get(BESIDE))
        if FIRST not in sides or last is None:
            return None
        return len(cells), sides[FIRST], last, labels

    def _name(self, first: tuple[int, CellSpan], last: tuple[int, CellSpan]) -> SplitName | None:
        (first_index, first_cell), (last_index, last_cell) = first, last
        if not self._looks_like(first_cell.text, first=True) or not self._looks_like(last_cell.text, first=False):
            return None
        given, family = " ".join(first_cell.text.split()), " ".join(last_cell.text.split())
        if self.side(given) is not None or self.side(family) is not None:
            return None  # a header row repeated inside the table
        family_words = family.split()
        # a surname column that already holds the whole name ("Anna Berg" under "Name")
        value = family if len(family_words) > 1 and family_words[0] == given.split()[0] else f"{given} {family}"
        if abs(first_index - last_index) == 1:
            return SplitName(min(first_cell.start, last_cell.start), max(first_cell.end, last_cell.end), value)
        return SplitName(first_cell.start, first_cell.end, value)

    def _looks_like(self, value: str, first: bool) -> bool:
        """A name's shape: letters only, one to four words, the given name's first word or the
        surname's last word capitalised (particles "van der" stay lower case); no placeholder."""
        words = value.split()
        if not words or len(words) > MAX_NAME_WORDS or not all(_NAME_WORD.fullmatch(w) for w in words):
            return False
        key = words[0] if first else words[-1]
        if not key[0].isupper() or len(key.rstrip(".")) < 2:
            return False
        folded = [w.casefold().rstrip(".") for w in words]
        if value.casefold() in self.placeholders or any(w in self.placeholders for w in folded):
            return False
        return first or folded[-1] not in self.not_surnames


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line.rstrip("\r")
        pos += len(line) + 1


def _cells(line: str, offset: int, sep: str) -> list[CellSpan]:
    out: list[CellSpan] = []
    pos = 0
    for piece in line.split(sep):
        out.append(CellSpan(offset + pos, offset + pos + len(piece), piece))
        pos += len(piece) + len(sep)
    return out


def _unlabel(cell: CellSpan, label: str | None) -> CellSpan:
    """The cell without the ``label:`` its header cell carries too."""
    if not label:
        return cell
    match = _LABELLED.match(cell.text)
    if match is None or match.group("label").strip() != label:
        return cell
    return CellSpan(cell.start + match.end(), cell.end, cell.text[match.end():])


def _strip(cell: CellSpan) -> CellSpan:
    """The cell without the spaces (and quotes) around its value."""
    text = cell.text
    lead = len(text) - len(text.lstrip(" \t\"'"))
    body = text.strip(" \t\"'")
    return CellSpan(cell.start + lead, cell.start + lead + len(body), body)
