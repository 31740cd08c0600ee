"""Attachments to text, bounded: every attachment is read or gets a problem, never skipped.

``extract_attachment`` is the one entry point (worker, ``gdpr-bridge scan`` and
``gdpr-bridge eval`` all use it through ``bridge.analysis``). The kind is detected from
the bytes (``detect``), the kind's module (``registry.KINDS``) reads it in a child
process bounded by ``AttachmentLimits`` (``runner``), and whatever could not be read
completely comes back as ``ExtractedAttachment.problem``: a short reason without any
of the file's content, which sends the ticket to review.

Kinds: text, csv, html, email, pdf, docx, xlsx, image, zip, unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from bridge.extract.base import megabytes
from bridge.extract.detect import detect_kind
from bridge.extract.limits import AttachmentLimits, TicketBudget
from bridge.extract.ocr import tesseract_languages
from bridge.extract.runner import Request, run_bounded
from bridge.findings import ExtractedAttachment

__all__ = ["AttachmentLimits", "ExtractedAttachment", "detect_kind", "extract_attachment",
           "extract_attachments", "tesseract_languages"]


def extract_attachment(
    filename: str, data: bytes, limits: AttachmentLimits, language: str, ocr: bool = True
) -> ExtractedAttachment:
    """Read one attachment's text, with ``language`` (``en``/``sv``/``de``) for OCR.

    With ``ocr=False`` (rule ``screenshots: reject``) an image comes back as kind
    ``image`` with no parts and no problem; the policy judges it by its kind.
    """
    if len(data) > limits.max_bytes:
        return ExtractedAttachment(filename, detect_kind(filename, data, deep=False),
                                   problem=f"larger than the {megabytes(limits.max_bytes)} limit")
    if not ocr and detect_kind(filename, data, deep=False) == "image":
        return ExtractedAttachment(filename, "image")
    return run_bounded(Request(filename, data, limits, language, ocr))


def extract_attachments(
    items: Iterable[tuple[str, bytes]], limits: AttachmentLimits, language: str, ocr: bool = True
) -> list[ExtractedAttachment]:
    """Several attachments of one ticket, also bounded by ``max_ticket_bytes`` in total.

    An attachment that would take the total read past the limit is not read and gets
    the problem (so the ticket goes to review); smaller ones after it still are.
    """
    results: list[ExtractedAttachment] = []
    budget = TicketBudget(limits)
    for filename, data in items:
        if len(data) > budget.remaining:
            results.append(ExtractedAttachment(filename, detect_kind(filename, data, deep=False),
                                               problem=budget.over_ticket_limit()))
            continue
        budget.take(len(data))
        results.append(extract_attachment(filename, data, limits, language, ocr))
    return results
