"""Images (PNG, JPEG, GIF, BMP, TIFF, WEBP) through OCR, pixel count checked before decoding."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from bridge.extract.base import Context, Extraction, ExtractionProblem
from bridge.extract.ocr import can_hold_text, ocr_image
from bridge.extract.ocr_repair import repair_ocr_text

OCR_OFF = "holds images that were not read (OCR off)"


def open_checked(data: bytes, ctx: Context) -> Image.Image:
    """Open lazily (header only) and refuse more pixels than the limit before decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExtractionProblem(f"image over the pixel limit ({ctx.limits.max_pixels})") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ExtractionProblem("corrupt or unsupported image") from None
    check_pixels(*image.size, ctx=ctx)
    return image


def check_pixels(width: int, height: int, ctx: Context) -> None:
    if width * height > ctx.limits.max_pixels:
        raise ExtractionProblem(f"image has {width * height} pixels (limit {ctx.limits.max_pixels})")


def ocr_decoded(image: Image.Image, ctx: Context, detail: str | None) -> Extraction:
    """OCR an image already opened (a PDF's XObject, a frame); honours ``ctx.ocr``."""
    out = Extraction()
    if not can_hold_text(*image.size):
        return out
    if not ctx.ocr:
        out.problems.append(OCR_OFF)
        return out
    try:
        image.load()
    except MemoryError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ExtractionProblem("corrupt image") from None
    out.add(ctx.detail(detail), repair_ocr_text(ocr_image(image, ctx.language)), ocr=True)
    return out


def extract_image(data: bytes, ctx: Context, detail: str | None = None) -> Extraction:
    """All frames of an image file (multi-page TIFF, animated GIF) up to the page limit."""
    image = open_checked(data, ctx)
    if not ctx.ocr and ctx.depth == 0 and detail is None:
        return Extraction()  # a screenshot with OCR off: the policy judges it by its kind
    frames = getattr(image, "n_frames", 1)
    if frames > ctx.limits.max_pdf_pages:
        raise ExtractionProblem(f"image has {frames} frames (limit {ctx.limits.max_pdf_pages})")
    out = Extraction()
    for index in range(frames):
        if frames > 1:
            image.seek(index)
        out.extend(ocr_decoded(image, ctx, _frame_detail(detail, index, frames)))
    return out


def _frame_detail(detail: str | None, index: int, frames: int) -> str | None:
    if frames == 1:
        return detail
    return f"{detail}, frame {index + 1}" if detail else f"frame {index + 1}"


def extract(data: bytes, ctx: Context) -> Extraction:
    return extract_image(data, ctx)
