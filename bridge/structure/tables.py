"""Tables in text: pipe, tab or semicolon columns, and columns aligned with runs of spaces.

CSV/XLSX/DOCX attachments reach us as text already: one row per line, cells joined with
" | " (bridge.extract.csvtext, worddoc), so they are found here like a pasted table. Commas
are not a column separator in mail text: prose has commas.
"""

from __future__ import annotations

import re

from bridge.structure.parts import Table

_ALIGNED = re.compile(r"\S(?: ?\S)*")  # cells separated by two or more spaces
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")  # a markdown separator row: |---|:---|
MIN_ROWS = 2


def _cells(line: str, sep: str) -> int:
    if sep == "  ":
        return len(_ALIGNED.findall(line)) if "  " in line.strip() else 0
    return line.count(sep) + 1 if sep in line else 0


def _min_cells(sep: str) -> int:
    return 3 if sep in (";", "  ") else 2


def find_tables(text: str, lines: list[str], offsets: list[int], loose: bool) -> list[Table]:
    """Runs of at least two lines with columns. ``loose`` (attachment text) accepts rows whose
    cell counts differ (exports leave empty cells out); mail text needs the same count."""
    tables: list[Table] = []
    taken: set[int] = set()
    for sep in ("|", "\t", ";", "  "):
        if text.count(sep) < MIN_ROWS:
            continue
        i = 0
        while i < len(lines):
            if i in taken or _cells(lines[i], sep) < _min_cells(sep):
                i += 1
                continue
            first = _cells(lines[i], sep)
            j = i + 1
            while j < len(lines) and j not in taken:
                n = _cells(lines[j], sep)
                if sep == "|" and _RULE.match(lines[j]):
                    j += 1
                    continue
                if n < _min_cells(sep) or (not loose and abs(n - first) > (1 if sep == "  " else 0)):
                    break
                j += 1
            if j - i >= MIN_ROWS:
                rows = tuple(
                    (offsets[k], offsets[k] + len(lines[k]) + 1) for k in range(i, j) if not (sep == "|" and _RULE.match(lines[k]))
                )
                header = not any(ch.isdigit() for ch in lines[i])
                tables.append(Table(offsets[i], offsets[j - 1] + len(lines[j - 1]) + 1, rows, sep, header))
                taken.update(range(i, j))
            i = j
    return sorted(tables, key=lambda t: t.start)
