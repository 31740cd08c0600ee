"""Plain text and logs: decoded as a whole, one piece."""

from __future__ import annotations

from bridge.extract.base import Context, Extraction
from bridge.extract.textcodec import decode_text


def extract(data: bytes, ctx: Context) -> Extraction:
    out = Extraction()
    out.add(ctx.detail(None), decode_text(data) or "")
    return out
