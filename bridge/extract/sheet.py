"""XLSX through openpyxl (read-only): one piece per sheet, rows with their headers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from bridge.extract.base import Context, Extraction, ExtractionProblem
from bridge.extract.csvtext import rows_to_text
from bridge.extract.ooxml import check_package, media_and_embeddings


def extract(data: bytes, ctx: Context) -> Extraction:
    check_package(data, ctx, "XLSX")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise ExtractionProblem("corrupt XLSX") from None
    out = Extraction()
    try:
        for worksheet in workbook.worksheets:
            rows = ([_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True))
            out.add(ctx.detail(f"sheet {worksheet.title}"), rows_to_text(rows))
    except (KeyError, ValueError, TypeError, AttributeError):
        out.problems.append("XLSX sheet unreadable")
    finally:
        workbook.close()
    out.extend(media_and_embeddings(data, ctx, "XLSX"))
    return out


def _cell(value: object) -> object:
    """Dates as ISO dates (a birth date cell has no time); everything else unchanged."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value
