"""Tesseract OCR of one image: languages, size rules and the preprocessing that was measured.

Measured (figures in bench/README.md, ``bench/ocr_speed.py``):

- Dev-corpus screenshots (1280x720 to 1440x900, UI fonts of ~13 px) and 150 dpi
  scans: grayscale at native size with Tesseract's default page segmentation (psm 3)
  read 94% of the labelled items; upscaling 1.5-2x read no more and cost 15-70% more
  time; sparse-text mode (psm 11) read about as much but tore table rows apart,
  losing the row context the scanner relies on.
- Words under ~10 px high are where Tesseract fails: a table scaled to 60% lost more
  than half its values at native size and lost almost none when upscaled. So the first
  pass reads word heights, and only an image whose words are small (or that is small
  and gave no words) is read again, upscaled so its words are ~16 px high.
"""

from __future__ import annotations

import os
import statistics

from PIL import Image, ImageOps

from bridge.extract.base import ExtractionProblem

TESSERACT_LANGUAGES = {"sv": "swe", "de": "deu", "en": "eng"}

# Smaller than this cannot hold a readable word (icons, bullets, spacer GIFs).
MIN_SIDE = 10
MIN_PIXELS = 1_500
# Words whose median height is under this are read again, upscaled to ~TARGET_WORD_PX.
SMALL_WORD_PX = 10
TARGET_WORD_PX = 16
MAX_UPSCALE = 3.0
# An image this small that gave no words at all is read again at twice its size.
RETRY_BELOW = 900
MIN_CONFIDENCE = 30
# Larger images are downscaled to this many pixels before OCR (speed; text stays readable).
OCR_MAX_PIXELS = 12_000_000
TESSERACT_MAX_SIDE = 32_000
TESSERACT_CONFIG = "--psm 3"


def tesseract_languages(language: str) -> str:
    """The ticket's language plus English: ``sv`` -> ``swe+eng``; unknown -> ``eng``.

    English alone loses å/ä/ö/ü/ß; Swedish alone reads ``@`` as ``Q``.
    """
    code = TESSERACT_LANGUAGES.get((language or "en").replace("_", "-").split("-")[0].lower(), "eng")
    return "eng" if code == "eng" else f"{code}+eng"


def can_hold_text(width: int, height: int) -> bool:
    return min(width, height) >= MIN_SIDE and width * height >= MIN_PIXELS


def prepare(image: Image.Image) -> Image.Image | None:
    """RGB (or grey) on white, at most OCR_MAX_PIXELS; None when there can be no text in it."""
    image = ImageOps.exif_transpose(image) or image
    if not can_hold_text(*image.size):
        return None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    gray = image.convert("L")
    low, high = gray.getextrema()
    if low == high:
        return None  # one colour: blank
    # Colour stays colour: Tesseract thresholds a colour image better than our grey (a shaded
    # table header or a dark title bar lost whole rows and columns when converted first).
    prepared = image.convert("RGB") if image.mode not in ("L", "1", "I", "I;16", "F") else gray
    width, height = prepared.size
    if width * height > OCR_MAX_PIXELS or max(width, height) > TESSERACT_MAX_SIDE:
        factor = min((OCR_MAX_PIXELS / (width * height)) ** 0.5, TESSERACT_MAX_SIDE / max(width, height))
        prepared = _scale(prepared, factor)
    return prepared


def ocr_image(image: Image.Image, language: str) -> str:
    """Text Tesseract reads in ``image`` ('' when it cannot hold text); ExtractionProblem on failure."""
    prepared = prepare(image)
    if prepared is None:
        return ""
    languages = tesseract_languages(language)
    text, heights = _read(prepared, languages)
    factor = _upscale_factor(prepared, heights)
    if factor > 1:
        text, _ = _read(_scale(prepared, factor), languages)
    return text


def _upscale_factor(image: Image.Image, heights: list[int]) -> float:
    width, height = image.size
    room = min(MAX_UPSCALE, (OCR_MAX_PIXELS / (width * height)) ** 0.5, TESSERACT_MAX_SIDE / max(width, height))
    if not heights:
        return min(2.0, room) if max(width, height) < RETRY_BELOW else 1.0
    median = statistics.median(heights)
    return min(TARGET_WORD_PX / median, room) if median < SMALL_WORD_PX else 1.0


def _scale(image: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _read(image: Image.Image, languages: str) -> tuple[str, list[int]]:
    """One Tesseract pass: the text in reading order, and the heights of confident words."""
    import pytesseract  # here: it pulls in numpy, which a text-only child does not need

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per extraction
    try:
        data = pytesseract.image_to_data(image, lang=languages, config=TESSERACT_CONFIG,
                                         output_type=pytesseract.Output.DICT)
    except MemoryError:
        raise
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError, RuntimeError) as exc:
        raise ExtractionProblem(f"OCR failed ({type(exc).__name__})") from None
    lines: list[str] = []
    words: list[str] = []
    heights: list[int] = []
    current: tuple[int, int, int] | None = None
    for index, word in enumerate(data["text"]):
        if data["level"][index] != 5:
            continue
        line = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        if line != current:
            if words:
                lines.append(" ".join(words))
            if current is not None and line[0] != current[0]:
                lines.append("")  # a new block: blank line, as image_to_string does
            words, current = [], line
        if word.strip():
            words.append(word.strip())
            if float(data["conf"][index]) >= MIN_CONFIDENCE:
                heights.append(int(data["height"][index]))
    if words:
        lines.append(" ".join(words))
    return "\n".join(lines), heights
