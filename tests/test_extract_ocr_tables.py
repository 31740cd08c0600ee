"""OCR of screenshots of tables: every row and the header read."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bridge.extract.ocr import ocr_image

ROOT = Path(__file__).resolve().parents[1]


def test_ocr_reads_every_row_of_a_coloured_table() -> None:
    """A dark title bar and a shaded header row: read as grey first, Tesseract lost the header,
    the first row and the clock-number column (invented names and numbers)."""
    text = ocr_image(Image.open(ROOT / "tests" / "fixtures" / "ocr" / "timesheet-exceptions.png"), "en")
    for value in ("Harry Baxter", "604041", "Amelia Llewellyn", "877293", "650664", "Clock no."):
        assert value in text, text
