"""Person codes in the id column of a table of people: "Nr | Name" rosters.

A staff list exported from a payroll or time system keys each row by a short code under a
terse header ("Nr", "#", "ID", "Pers", "PersNr") that is no context word of its own: "Nr"
heads invoice and row numbers as well. What makes the code a person's is the row: one row is
one person, and the cell beside the code holds that person's full name. So a cell counts when

- its column header (the label of a labelled cell, "PersNr: 4711", or the cell of the table's
  first line in the same column) is an id-like header (``IdHeaders``),
- its value has the shape of a code (digits, or a letter prefix and digits) and no decimals
  or sign (amounts, hours, balances stay out), and is no row counter (1, 2, 3 ...),
- a neighbouring cell of the same row holds a full name (or the two cells on one side do:
  "Vorname | Nachname").

Attachment rows reach us as text already (``bridge.extract.csvtext``, ``worddoc``): one
line per row, cells joined with " | ", labelled with their header when the first row is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from bridge.recognizers.base import check_deadline
from bridge.recognizers.context import MAX_ROW_CHARS

# a code as a whole cell: up to three letters (and a dash) before 3-8 digits, or two digit groups
_VALUE = re.compile(r"(?:[A-Z]{1,3}-?)?\d{3,8}|\d{2,3}-\d{3,6}")
# "Header: value" (a time "08:15" has no space after its colon)
_LABELLED = re.compile(r"(?P<h>[^:]{1,60}?):[ \t]+(?P<v>\S(?:.*\S)?)")
_SEPARATORS = ("|", "\t", ";")
_JOINS = re.compile(r"[\s._:/-]+")
_CHECK_EVERY_LINES = 256


def normalise_header(header: str) -> str:
    """A header compared without case, spaces, dots, dashes, underscores and colons:
    "Pers.-Nr." and "pers_nr" are both "persnr"."""
    return _JOINS.sub("", header).casefold()


class IdHeaders:
    """Column headers of an id column: the configured ones and the type's context words."""

    def __init__(self, headers: Iterable[str]) -> None:
        self.headers = {normalise_header(str(h).strip("* ")) for h in headers} - {""}
        self._cache: dict[str, bool] = {}

    def __contains__(self, header: str) -> bool:
        known = self._cache.get(header)
        if known is None:
            known = normalise_header(header) in self.headers
            if len(self._cache) < 4096:
                self._cache[header] = known
        return known


@dataclass
class _Cell:
    start: int  # of the value in the text
    end: int
    header: str | None  # its label, when labelled
    value: str


def _separator(line: str) -> str | None:
    for sep in _SEPARATORS:
        if line.count(sep) >= (2 if sep == ";" else 1):
            return sep
    return None


def _cells(line: str, offset: int, sep: str) -> list[_Cell]:
    cells = []
    pos = 0
    for raw in line.split(sep):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        start = offset + pos + lead
        match = _LABELLED.fullmatch(stripped)
        if match:
            cells.append(_Cell(start + match.start("v"), start + match.end("v"), match.group("h").strip(), match.group("v")))
        else:
            cells.append(_Cell(start, start + len(stripped), None, stripped))
        pos += len(raw) + len(sep)
    return cells


def _names_beside(cells: list[_Cell], index: int, is_full_name: Callable[[str], bool]) -> bool:
    """Whether the cell before or after ``index`` (or the two cells on one side) hold a full name."""
    for side in ((index - 1,), (index + 1,), (index - 2, index - 1), (index + 1, index + 2)):
        if any(i < 0 or i >= len(cells) for i in side):
            continue
        value = " ".join(cells[i].value for i in side)
        if value and not any(ch.isdigit() for ch in value) and is_full_name(value):
            return True
    return False


def id_column_codes(
    text: str, headers: IdHeaders, is_full_name: Callable[[str], bool],
    is_first_name: Callable[[str], bool] | None = None,
) -> Iterator[tuple[int, int, str]]:
    """(start, end, header) of each code in an id column beside a full name of the same row; in a
    row with no header above, a code beside a full name or a lone first name (``is_first_name``)."""
    first: list[_Cell] | None = None  # the first line of the current run of rows
    spaced_header: str | None = None  # the id header of a space-separated table above ("Name Pers.-Nr. Std.")
    block_sep: str | None = None
    row = 0
    offset = 0
    for number, line in enumerate(text.split("\n")):
        if number % _CHECK_EVERY_LINES == 0:
            check_deadline()
        line_offset, offset = offset, offset + len(line) + 1
        sep = _separator(line) if len(line) <= MAX_ROW_CHARS else None
        if sep is None or sep != block_sep:
            first, block_sep, row = None, sep, 0
        if sep is None:
            spaced_header, found = _spaced_row(line, line_offset, spaced_header, headers, is_full_name)
            if found is not None:
                yield found
            continue
        cells = _cells(line.rstrip("\r"), line_offset, sep)
        if first is None:
            first = cells
        for index, cell in enumerate(cells):
            header = cell.header
            if header is None and row and len(first) == len(cells):
                above = first[index]
                header = above.value if above.header is None and not any(ch.isdigit() for ch in above.value) else None
            if (not header or (index == 0 and header not in headers)) and sep != ";" and not _header_row(first):
                found = _headerless_code(cells, index, is_full_name, is_first_name)
                if found is not None:
                    yield found
                continue
            if not header or header not in headers or not _VALUE.fullmatch(cell.value):
                continue
            if cell.value.isdigit() and int(cell.value) <= row + 1:
                continue  # a row counter: 1, 2, 3 ... (its header is "Nr" as often)
            if _names_beside(cells, index, is_full_name):
                yield cell.start, cell.end, header
        row += 1


# a code that ends the first cell after a sentence: "... raise the quota? 928197 | <name> | Nights"
_TRAILING_CODE = re.compile(r"(?:^|(?<=[.!?:]\s))(?P<v>(?:[A-Z]{1,3}-?)?\d{4,8})$")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _header_row(first: list[_Cell] | None) -> bool:
    """Whether the table's first line is a header row (no digits in any cell)."""
    return first is not None and not any(ch.isdigit() for cell in first for ch in cell.value)


def _headerless_code(
    cells: list[_Cell], index: int, is_full_name: Callable[[str], bool], is_first_name: Callable[[str], bool] | None
) -> tuple[int, int, str] | None:
    """A row with no header above ("928197 | <first> <last> | Nights | 22:00-06:00", pasted from a roster):
    one row is one person, so a code of four digits or more beside a full name is theirs; a year is none."""
    if len(cells) < 3:
        return None
    cell = cells[index]
    match = _TRAILING_CODE.search(cell.value) if index == 0 else None
    value, start = (match.group("v"), cell.start + match.start("v")) if match else (cell.value, cell.start)
    if not _VALUE.fullmatch(value) or sum(ch.isdigit() for ch in value) < 4 or _YEAR.fullmatch(value):
        return None
    if not _names_beside(cells, index, is_full_name) and not (
        is_first_name is not None and _first_name_beside(cells, index, is_first_name)
    ):
        return None
    return start, start + len(value), "a row of a person"


def _first_name_beside(cells: list[_Cell], index: int, is_first_name: Callable[[str], bool]) -> bool:
    """A cell right before or after holding one capitalised first name ("548789 | Markus | abwesend")."""
    for i in (index - 1, index + 1):
        if 0 <= i < len(cells):
            value = cells[i].value
            if value[:1].isupper() and value.isalpha() and is_first_name(value):
                return True
    return False


_SPACED_ROW = re.compile(r"^\s*(?P<name>[^\W\d_][^\d\n]*?)\s+(?P<rest>[^\s\d]*\d.*)$")


def _spaced_row(
    line: str, offset: int, header: str | None, headers: IdHeaders, is_full_name: Callable[[str], bool]
) -> tuple[str | None, tuple[int, int, str] | None]:
    """A table whose columns only single spaces part, as OCR reads a scanned form: a header line
    without digits naming an id column ("Mitarbeiter/in Pers.-Nr. Std."), then rows of a full
    name and values ("Enrico Haase 40213 6"). The one code-shaped value of such a row is the
    person's code. Returns the header in force after this line and the code found on it."""
    stripped = line.strip()
    if not stripped:
        return None, None
    if not any(ch.isdigit() for ch in stripped):
        tokens = stripped.split()
        if 2 <= len(tokens) <= 8:
            id_header = next((t for t in tokens if t in headers), None)
            if id_header is not None:
                return id_header, None
        return header if header and not _SPACED_ROW.match(stripped) else None, None
    if header is None:
        return None, None
    match = _SPACED_ROW.match(line)
    if match is None or not is_full_name(match.group("name").strip()):
        return None, None
    rest_start = match.start("rest")
    codes = [m for m in re.finditer(r"\S+", match.group("rest")) if _VALUE.fullmatch(m.group(0))]
    if len(codes) != 1:
        return header, None
    code = codes[0]
    return header, (offset + rest_start + code.start(), offset + rest_start + code.end(), header)
