"""ZIP archives, one level deep; the limits are checked on the central directory first.

Member count, each member's declared size and expansion ratio (``file_size`` against
``compress_size``) and the declared total are all checked before one byte is
decompressed. Reading is bounded by the declared size (``zipfile`` stops there and
then fails the CRC if the header lied), and the child's memory limit backs it up.
"""

from __future__ import annotations

import io
import zipfile

from bridge.extract.base import Context, Extraction, ExtractionProblem, megabytes
from bridge.extract.detect import detect_kind
from bridge.filenames import MEMBER_NAME_DETAIL, name_as_text

# Small members are not ratio-checked: 10 KB of spaces compresses 500:1 and is harmless.
RATIO_FLOOR_BYTES = 1024 * 1024


def open_zip(data: bytes, what: str = "archive") -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ExtractionProblem(f"corrupt {what}") from None


def checked_members(
    archive: zipfile.ZipFile, data_size: int, ctx: Context, what: str = "archive"
) -> list[zipfile.ZipInfo]:
    """The archive's file members, or ExtractionProblem if any limit would be crossed."""
    limits = ctx.limits
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.max_archive_members:
        raise ExtractionProblem(f"{what} has {len(members)} members (limit {limits.max_archive_members})")
    total = 0
    for number, info in enumerate(members, start=1):
        if info.file_size > limits.max_bytes:
            raise ExtractionProblem(f"{what} member {number} expands past the {megabytes(limits.max_bytes)} limit")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_expansion_ratio:
            raise ExtractionProblem(
                f"{what} member {number} expands {ratio:.0f}x (limit {limits.max_expansion_ratio:g}x)")
        total += info.file_size
    if total > limits.max_ticket_bytes:
        raise ExtractionProblem(f"{what} expands past the {megabytes(limits.max_ticket_bytes)} limit")
    ratio = total / max(data_size, 1)
    if total > RATIO_FLOOR_BYTES and ratio > limits.max_expansion_ratio:
        raise ExtractionProblem(f"{what} expands {ratio:.0f}x (limit {limits.max_expansion_ratio:g}x)")
    return members


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, number: int, what: str = "archive") -> bytes:
    if info.flag_bits & 0x1:
        raise ExtractionProblem(f"{what} member {number} is encrypted")
    try:
        with archive.open(info) as handle:
            return handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError):
        raise ExtractionProblem(f"{what} member {number} is corrupt or uses an unsupported method") from None


def extract(data: bytes, ctx: Context) -> Extraction:
    from bridge.extract.registry import extract_nested  # the registry imports this module

    if ctx.depth > 0:
        raise ExtractionProblem("archive inside another file not opened")
    archive = open_zip(data)
    out = Extraction()
    with archive:
        for number, info in enumerate(checked_members(archive, len(data), ctx), start=1):
            # a member's path is data too ("staff/Anna_Berg/payslip.pdf"); its detail names no file
            out.pieces.append((f"{MEMBER_NAME_DETAIL} {number}", name_as_text(info.filename)))
            try:
                content = read_member(archive, info, number)
            except ExtractionProblem as exc:
                out.problems.append(str(exc))
                continue
            kind = detect_kind(info.filename, content, deep=False)
            nested = ctx.nested(f"member #{number} {kind}: {info.filename}", f"archive member {number}")
            out.extend(extract_nested(info.filename, content, nested))
    return out
