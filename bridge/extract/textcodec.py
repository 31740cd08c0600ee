"""Bytes to text for plain-text kinds: BOMs, UTF-8, then Windows-1252; binary gives None."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
MAX_CONTROL_SHARE = 0.05


def decode_text(data: bytes, strict: bool = False) -> str | None:
    """Decode ``data`` (possibly a prefix cut mid-character).

    With ``strict`` the result is None when the bytes do not look like text (NUL bytes,
    many control characters): the caller then treats the file as binary.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data:
        return None if strict else data.replace(b"\x00", b" ").decode("utf-8", errors="replace")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(data, final=False)  # tolerate a cut last character
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if strict and text:
        controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in _ALLOWED_CONTROLS) or ch == "\ufffd")
        if controls / len(text) > MAX_CONTROL_SHARE:
            return None
    return text
