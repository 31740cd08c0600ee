"""Kind -> module, and extraction of one file in the current process (no bounds).

The bounded entry point is ``bridge.extract.extract_attachment``, which runs
``extract_inline`` in a child process. Kind modules are imported on first use, so a
child that reads a text file does not pay for importing the PDF and Office readers.
"""

from __future__ import annotations

import importlib
import logging

from bridge.extract.base import Context, Extraction, ExtractionProblem, Extractor, megabytes
from bridge.extract.detect import describe_unknown, detect_kind
from bridge.extract.limits import AttachmentLimits
from bridge.findings import ExtractedAttachment, TextPart

log = logging.getLogger(__name__)

KINDS: dict[str, str] = {
    "text": "bridge.extract.plaintext",
    "csv": "bridge.extract.csvtext",
    "html": "bridge.extract.htmltext",
    "email": "bridge.extract.mail",
    "pdf": "bridge.extract.pdfdoc",
    "docx": "bridge.extract.worddoc",
    "xlsx": "bridge.extract.sheet",
    "image": "bridge.extract.image",
    "zip": "bridge.extract.archive",
}
MAX_PROBLEM_CHARS = 300


def extractor_for(kind: str) -> Extractor | None:
    module = KINDS.get(kind)
    return importlib.import_module(module).extract if module else None


def extract_kind(kind: str, data: bytes, ctx: Context) -> Extraction:
    """Run the kind's extractor; every failure becomes a problem, labelled if nested."""
    label = f"{ctx.label}: " if ctx.label else ""
    extractor = extractor_for(kind)
    if extractor is None:
        return Extraction(problems=[f"{label}{describe_unknown(data)}"])
    try:
        result = extractor(data, ctx)
    except ExtractionProblem as exc:
        return Extraction(problems=[f"{label}{exc}"])
    except MemoryError:
        return Extraction(problems=[f"{label}ran out of memory (limit {ctx.limits.max_memory_mb} MB)"])
    except RecursionError:
        return Extraction(problems=[f"{label}{kind} too deeply nested"])
    except Exception as exc:  # a parser's bug or an unforeseen malformation: review, never pass
        log.warning("extractor failed", extra={"kind": kind, "error_type": type(exc).__name__})
        return Extraction(problems=[f"{label}could not read {kind} ({type(exc).__name__})"])
    if label:
        result.problems = [p if p.startswith(label) else f"{label}{p}" for p in result.problems]
    return result


def extract_nested(name: str, data: bytes, ctx: Context) -> Extraction:
    """A file inside another (archive member, e-mail attachment, embedded object)."""
    if len(data) > ctx.limits.max_bytes:
        return Extraction(problems=[f"{ctx.label}: larger than the {megabytes(ctx.limits.max_bytes)} limit"])
    return extract_kind(detect_kind(name, data), data, ctx)


def extract_inline(
    filename: str, data: bytes, limits: AttachmentLimits, language: str, ocr: bool = True
) -> ExtractedAttachment:
    """Extract in this process. Only for a child process or trusted input: no time or memory bound."""
    kind = detect_kind(filename, data)
    ctx = Context(limits=limits, language=language, ocr=ocr)
    result = extract_kind(kind, data, ctx)
    place = f"attachment:{filename}"
    parts = [TextPart(place, text, detail, ocr=i in result.ocr) for i, (detail, text) in enumerate(result.pieces)]
    return ExtractedAttachment(filename, kind, parts, problem=summarise(result.problems))


def summarise(problems: list[str]) -> str | None:
    unique = list(dict.fromkeys(problems))
    if not unique:
        return None
    text = "; ".join(unique)
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"
