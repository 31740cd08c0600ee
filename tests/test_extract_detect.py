"""The kind comes from the bytes; the name only separates text kinds."""

from __future__ import annotations

import pytest

from bridge.extract.detect import detect_kind
from tests.fixtures.extract import builders as b

IMAGE = b.text_image(["Kind test"], size=(200, 60), font_size=20)


@pytest.mark.parametrize(
    ("filename", "data", "kind"),
    [
        ("notes.txt", "Hej, här är loggen.\nRad två\n".encode(), "text"),
        ("server.log", b"2025-01-06 10:00:01 INFO a,b,c\n2025-01-06 10:00:02 WARN d\n", "text"),
        ("export.csv", b"name;phone\nAnna Berg;070-1234567\n", "csv"),
        ("export.dat", b"name,phone,team\nAnna Berg,070-1234567,Lager\nBo Ek,070-7654321,Kassa\n", "csv"),
        ("page.txt", b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "html"),
        ("mail.txt", b"From: a@example.com\nTo: b@example.com\nSubject: hi\n\nbody\n", "email"),
        ("screenshot.txt", b.image_bytes(IMAGE, "PNG"), "image"),       # the name lies
        ("photo.pdf", b.image_bytes(IMAGE, "JPEG"), "image"),
        ("a.gif", b.image_bytes(IMAGE, "GIF"), "image"),
        ("a.bmp", b.image_bytes(IMAGE, "BMP"), "image"),
        ("a.tif", b.image_bytes(IMAGE, "TIFF"), "image"),
        ("a.webp", b.image_bytes(IMAGE, "WEBP"), "image"),
        ("report.png", b.pdf_text([["Hello"]]), "pdf"),
        ("report.zip", b.docx_bytes(["x"], [["a", "b"]], "h", "f"), "docx"),
        ("book.docx", b.xlsx_bytes({"S": [["a"]]}), "xlsx"),
        ("archive.docx", b.zip_bytes({"a.txt": b"hello"}), "zip"),
        ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "unknown"),
        ("blob.txt", bytes(range(256)) * 4, "unknown"),
        ("empty.txt", b"", "text"),
    ],
)
def test_kind_is_detected_from_the_bytes(filename: str, data: bytes, kind: str) -> None:
    assert detect_kind(filename, data) == kind
