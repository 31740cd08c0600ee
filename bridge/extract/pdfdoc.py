"""PDF: the text layer of each page; images on a page go to OCR.

A page without text (a scan) is read by OCR of its images. Images on pages with text
are read too (a screenshot pasted into a report), except the one full-page image of a
searchable scan, whose text layer already is the OCR. Each image's size is read from
its dictionary before it is decoded.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from bridge.extract.base import Context, Extraction, ExtractionProblem
from bridge.extract.image import OCR_OFF, check_pixels, ocr_decoded
from bridge.extract.ocr import can_hold_text

SEARCHABLE_SCAN_TEXT = 100   # chars of text layer that make a full-page image redundant
ASPECT_TOLERANCE = 0.03
VECTOR_ONLY_BYTES = 2_000    # content stream size of a page that draws something but has no text
MAX_FORM_DEPTH = 3


def extract(data: bytes, ctx: Context) -> Extraction:
    reader = _open(data)
    try:
        pages = list(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ExtractionProblem("corrupt PDF") from None
    if len(pages) > ctx.limits.max_pdf_pages:
        raise ExtractionProblem(f"PDF has {len(pages)} pages (limit {ctx.limits.max_pdf_pages})")
    out = Extraction()
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pages, start=1):
        out.extend(_page(page, number, ctx, seen))
    return out


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ExtractionProblem("corrupt PDF") from None
    if encrypted:
        # Many PDFs are "encrypted" with an empty user password just to set permissions.
        try:
            opened = reader.decrypt("")
        except (PyPdfError, ValueError, KeyError, TypeError, NotImplementedError):
            raise ExtractionProblem("encrypted PDF") from None
        if not opened:
            raise ExtractionProblem("encrypted PDF (password needed)")
    return reader


def _page(page: PageObject, number: int, ctx: Context, seen: set[tuple[int, int]]) -> Extraction:
    out = Extraction()
    detail = f"page {number}"
    try:
        text = page.extract_text() or ""
    except MemoryError:
        raise
    except Exception:  # pypdf raises many kinds on damaged content streams
        out.problems.append(f"page {number}: text layer unreadable")
        text = ""
    out.add(ctx.detail(detail), text)
    try:
        images = list(_images(page.get("/Resources"), 0))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        out.problems.append(f"page {number}: images unreadable")
        images = []
    if _is_searchable_scan(page, text, images):
        return out
    readable = [(ref, obj) for ref, obj in images if can_hold_text(*_size(obj))]
    for index, (ref, obj) in enumerate(readable, start=1):
        if ref is not None:
            if ref in seen:
                continue  # the same logo on every page is read once
            seen.add(ref)
        image_detail = detail if len(readable) == 1 else f"{detail}, image {index}"
        check_pixels(*_size(obj), ctx=ctx)
        if not ctx.ocr:
            out.problems.append(OCR_OFF)
            continue
        try:
            decoded = obj.decode_as_image()
        except MemoryError:
            raise
        except Exception:
            out.problems.append(f"page {number}: image unreadable")
            continue
        if decoded is not None:
            out.extend(ocr_decoded(decoded, ctx, image_detail))
    if not text.strip() and not images and _content_size(page) > VECTOR_ONLY_BYTES:
        out.problems.append(f"page {number}: drawn content without text layer not read")
    return out


def _images(resources: object, depth: int) -> Iterator[tuple[tuple[int, int] | None, StreamObject]]:
    """Image XObjects of a page, looking into form XObjects a few levels deep."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    xobjects = _resolve(resources.get("/XObject"))
    if not isinstance(xobjects, DictionaryObject):
        return
    for value in xobjects.values():
        ref = (value.idnum, value.generation) if isinstance(value, IndirectObject) else None
        obj = _resolve(value)
        if not isinstance(obj, StreamObject):
            continue
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            yield ref, obj
        elif subtype == "/Form" and depth < MAX_FORM_DEPTH:
            yield from _images(obj.get("/Resources"), depth + 1)


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _size(obj: DictionaryObject) -> tuple[int, int]:
    try:
        return int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
    except (TypeError, ValueError):
        return 0, 0


def _is_searchable_scan(page: PageObject, text: str, images: list[tuple[tuple[int, int] | None, StreamObject]]) -> bool:
    if len(text.strip()) < SEARCHABLE_SCAN_TEXT or len(images) != 1:
        return False
    width, height = _size(images[0][1])
    try:
        box = page.mediabox
        page_aspect = float(box.width) / float(box.height)
    except (ValueError, ZeroDivisionError, TypeError, KeyError):
        return False
    if not width or not height:
        return False
    return abs(width / height - page_aspect) <= ASPECT_TOLERANCE * page_aspect


def _content_size(page: PageObject) -> int:
    try:
        contents = page.get_contents()
        return len(contents.get_data()) if contents is not None else 0
    except Exception:
        return 0
