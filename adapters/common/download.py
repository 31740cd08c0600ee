"""Reading an attachment download with a byte limit, the same way for every platform."""

from __future__ import annotations

from typing import BinaryIO

import httpx

from bridge.platform import AttachmentTooLarge

REDIRECTS = frozenset({301, 302, 303, 307, 308})


def read_bounded(response: httpx.Response, max_bytes: int, what: str, platform: str) -> bytes:
    """The streamed body, or ``AttachmentTooLarge`` as soon as it (or its Content-Length) passes ``max_bytes``."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise AttachmentTooLarge(f"{platform}: {what}: {declared} bytes, limit {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise AttachmentTooLarge(f"{platform}: {what}: more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def rewind(out: BinaryIO) -> None:
    """Empty ``out`` before an attempt, so a retried download never appends to a broken one."""
    out.seek(0)
    out.truncate()


def write_bounded(response: httpx.Response, out: BinaryIO, max_bytes: int, what: str, platform: str) -> int:
    """Stream the body into ``out`` chunk by chunk (memory stays at one chunk); returns the size."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise AttachmentTooLarge(f"{platform}: {what}: {declared} bytes, limit {max_bytes}")
    size = 0
    for chunk in response.iter_bytes(65536):
        size += len(chunk)
        if size > max_bytes:
            raise AttachmentTooLarge(f"{platform}: {what}: more than {max_bytes} bytes")
        out.write(chunk)
    return size
