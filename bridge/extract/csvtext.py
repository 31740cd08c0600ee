"""CSV/TSV exports: one line per row, each cell labelled with its column header.

``Date of birth: 1984-03-12`` keeps the header next to the value, so the scanner's
context words work on row 500 as well as on row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bridge.extract.base import Context, Extraction
from bridge.extract.textcodec import decode_text

MAX_HEADER_CHARS = 60


def rows_to_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows to text; the first row is used as headers when it is all short text."""
    lines: list[str] = []
    header: list[str] | None = None
    for index, row in enumerate(rows):
        cells = ["" if cell is None else str(cell).strip() for cell in row]
        if not any(cells):
            continue
        if index == 0 and _is_header(row):
            header = cells
            lines.append(" | ".join(cells))
            continue
        if header:
            named = [f"{header[i]}: {cell}" if i < len(header) and header[i] else cell
                     for i, cell in enumerate(cells) if cell]
            lines.append(" | ".join(named))
        else:
            lines.append(" | ".join(cell for cell in cells if cell))
    return "\n".join(lines)


def _is_header(row: Sequence[object]) -> bool:
    cells = [cell for cell in row if cell not in (None, "")]
    return bool(cells) and all(
        isinstance(cell, str) and len(cell) <= MAX_HEADER_CHARS and not any(ch.isdigit() for ch in cell)
        for cell in cells
    )


def extract(data: bytes, ctx: Context) -> Extraction:
    text = decode_text(data) or ""
    out = Extraction()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:16384], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        out.add(ctx.detail(None), rows_to_text(csv.reader(io.StringIO(text, newline=""), dialect)))
    except csv.Error:
        out.add(ctx.detail(None), text)  # malformed quoting: read it as plain text
    return out
