"""Decide what a file is from its bytes.

Binary formats by magic numbers (``filetype``), ZIP-based Office files by the names in
the archive's central directory (read without decompressing anything), text formats
by decoding heuristics. The file name is only a tie-breaker between text kinds
(``.csv`` vs a log that happens to hold commas); it never turns bytes into a kind
their content contradicts.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import filetype

from bridge.extract.textcodec import decode_text

IMAGE_MIMES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/webp", "image/x-icon"}
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls, and encrypted .docx/.xlsx
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|div|table|p|span|br|meta|title)\b", re.I)
_XML = re.compile(rb"^\s*<\?xml\b", re.I)
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]?(.*)$")
_MAIL_HEADERS = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type", "received",
     "return-path", "reply-to", "x-mailer", "delivered-to", "sender"}
)


def is_pdf(data: bytes) -> bool:
    # The spec allows bytes before the header; readers look in the first KB.
    return b"%PDF-" in data[:1024]


def detect_kind(filename: str, data: bytes, deep: bool = True) -> str:
    """Return one of text, csv, html, email, pdf, docx, xlsx, image, zip, unknown.

    ``deep=False`` looks at the first bytes only (used in the parent process, which
    must not parse hostile files).
    """
    if not data:
        return "text"
    head = data[:8192]
    if is_pdf(head):
        return "pdf"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(data) if deep else "zip"
    guess = filetype.guess(head)
    if guess is not None:
        if guess.mime in IMAGE_MIMES:
            return "image"
        if guess.mime == "application/zip":
            return _zip_kind(data) if deep else "zip"
        return "unknown"
    return _text_kind(filename, head)


def describe_unknown(data: bytes) -> str:
    """A reason for a file of no supported kind, naming its type when the bytes tell it."""
    if data.startswith(OLE_MAGIC):
        return "OLE file (legacy or encrypted Office document, Outlook .msg) not read"
    mime = filetype.guess_mime(data[:8192])
    return f"unsupported file type ({mime})" if mime else "unknown file kind"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"  # the zip module reports it as corrupt
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def _text_kind(filename: str, head: bytes) -> str:
    text = decode_text(head, strict=True)
    if text is None:
        return "unknown"
    if _looks_like_email(text):
        return "email"
    if _XML.match(head) or _HTML.search(head[:4096]):
        return "html"
    lower = filename.lower()
    if lower.endswith((".csv", ".tsv")) or (not lower.endswith((".log", ".txt")) and _looks_like_csv(text)):
        return "csv"
    return "text"


def _looks_like_email(text: str) -> bool:
    """A header block of ``Name: value`` lines with at least two well-known mail headers."""
    known = 0
    for line in text.splitlines()[:60]:
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            continue  # folded header continuation
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        known += match.group(1).lower() in _MAIL_HEADERS
    return known >= 2


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines[:-1] or lines, dialect)}
    return len(widths) == 1 and widths.pop() >= 2
