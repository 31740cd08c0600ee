"""What DOCX and XLSX share: the ZIP limits, and their images and embedded files."""

from __future__ import annotations

import re

from bridge.extract.archive import checked_members, open_zip, read_member
from bridge.extract.base import Context, Extraction, ExtractionProblem
from bridge.extract.detect import detect_kind

_MEDIA = re.compile(r"^(?:word|xl|ppt)/media/[^/]+$")
_EMBEDDED = re.compile(r"^(?:word|xl|ppt)/embeddings/[^/]+$")
_VECTOR = (".emf", ".wmf", ".svg", ".emz", ".wmz")


def check_package(data: bytes, ctx: Context, what: str) -> None:
    """Raise ExtractionProblem if the package is corrupt or crosses an archive limit."""
    with open_zip(data, what) as archive:
        for number, info in enumerate(checked_members(archive, len(data), ctx, what), start=1):
            if info.flag_bits & 0x1:
                raise ExtractionProblem(f"{what} member {number} is encrypted")


def media_and_embeddings(data: bytes, ctx: Context, what: str) -> Extraction:
    """OCR of the package's images; embedded documents read like attachments (one level)."""
    from bridge.extract.image import extract_image
    from bridge.extract.registry import extract_nested

    out = Extraction()
    image_number = embedded_number = 0
    with open_zip(data, what) as archive:
        for number, info in enumerate(archive.infolist(), start=1):
            name = info.filename
            if _MEDIA.match(name):
                if name.lower().endswith(_VECTOR):
                    continue  # drawings (logos, charts) Pillow cannot rasterise
                image_number += 1
                try:
                    out.extend(extract_image(read_member(archive, info, number, what), ctx, f"image {image_number}"))
                except ExtractionProblem as exc:
                    out.problems.append(f"{what} image {image_number}: {exc}")
            elif _EMBEDDED.match(name):
                embedded_number += 1
                if ctx.depth > 0:
                    out.problems.append(f"{what} holds embedded files that were not opened")
                    continue
                try:
                    content = read_member(archive, info, number, what)
                except ExtractionProblem as exc:
                    out.problems.append(str(exc))
                    continue
                short = name.rsplit("/", 1)[-1]
                kind = detect_kind(short, content, deep=False)
                nested = ctx.nested(f"embedded #{embedded_number} {kind}: {short}", f"embedded file {embedded_number}")
                out.extend(extract_nested(short, content, nested))
    return out
