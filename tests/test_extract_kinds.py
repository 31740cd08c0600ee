"""Every kind, from files the tests build, through the public bounded entry point."""

from __future__ import annotations

import re

import pytest

from bridge.extract import extract_attachment, tesseract_languages
from bridge.extract.limits import AttachmentLimits
from bridge.findings import ExtractedAttachment
from tests.fixtures.extract import builders as b

LIMITS = AttachmentLimits(timeout_seconds=30)


def read(filename: str, data: bytes, language: str = "en", ocr: bool = True) -> ExtractedAttachment:
    return extract_attachment(filename, data, LIMITS, language, ocr=ocr)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def text_of(result: ExtractedAttachment, detail: str | None = "any") -> str:
    return norm(" ".join(p.text for p in result.parts if detail == "any" or p.detail == detail))


def assert_clean(result: ExtractedAttachment, kind: str) -> None:
    assert result.problem is None, result.problem
    assert result.kind == kind
    assert result.parts and all(p.place == f"attachment:{result.filename}" for p in result.parts)


def test_plain_text_in_windows_1252() -> None:
    result = read("logg.txt", "Kontakt: Björn Åström, 070-123 45 67\n".encode("cp1252"))
    assert_clean(result, "text")
    assert "björn åström, 070-123 45 67" in text_of(result)


def test_csv_cells_carry_their_column_header() -> None:
    data = b"Name;Date of birth;Phone\nAnna Berg;1984-03-12;+46 70 123 45 67\n"
    result = read("staff.csv", data)
    assert_clean(result, "csv")
    assert "name: anna berg | date of birth: 1984-03-12 | phone: +46 70 123 45 67" in text_of(result)


def test_html_gives_visible_text_and_mail_links_but_not_scripts() -> None:
    data = (b"<html><head><style>p{color:red}</style><script>var secret='x-code';</script></head>"
            b"<body><p>Call <b>Anna Berg</b></p><a href='mailto:anna.berg@example.se'>mail</a></body></html>")
    result = read("page.html", data)
    assert_clean(result, "html")
    text = text_of(result)
    assert "call anna berg" in text and "anna.berg@example.se" in text
    assert "secret" not in text and "color" not in text


def test_xml_elements_keep_their_line_breaks() -> None:
    data = (b'<?xml version="1.0"?><office:document xmlns:text="t" xmlns:office="o"><office:body>'
            b"<text:p>Anna Berg</text:p><text:p>070-123 45 67</text:p></office:body></office:document>")
    result = read("content.xml", data)
    assert result.kind == "html"
    assert "anna berg 070-123 45 67" in text_of(result)


def test_email_headers_body_and_its_own_attachments() -> None:
    picture = b.text_image(["Jonas Karlsson 073-555 12 34"], size=(700, 90))
    data = b.eml_bytes(
        subject="Staff list", sender="Eva Lund <eva.lund@example.se>", to="support@vendor.example",
        body="See the attached list.", html="<p>See the <i>attached</i> list.</p>",
        attachments=[("staff.csv", b"name,phone\nPer Olsson,070-111 22 33\n", "text/csv"),
                     ("shot.png", b.image_bytes(picture), "image/png")],
    )
    result = read("forward.eml", data)
    assert_clean(result, "email")
    assert "eva.lund@example.se" in text_of(result, "headers")
    assert "see the attached list." in text_of(result, None)
    assert "per olsson" in text_of(result, "attachment #1 csv: staff.csv")
    assert "jonas karlsson 073-555 12 34" in text_of(result, "attachment #2 image: shot.png")


def test_text_that_merely_looks_like_mail_loses_no_line() -> None:
    data = b"From: Anna Berg\nTo: HR\nMobile: 070-999 88 77\n\nPlease update her record.\n"
    result = read("note.txt", data)
    assert result.problem is None
    text = text_of(result)
    assert "anna berg" in text and "070-999 88 77" in text and "please update her record." in text


def test_pdf_text_layer_per_page() -> None:
    data = b.pdf_text([["Repair order 4411"], ["Customer: Jürgen Weiß", "Geburtsdatum: 12.03.1984"]])
    result = read("bericht.pdf", data, "de")
    assert_clean(result, "pdf")
    assert "jürgen weiß" in text_of(result, "page 2")
    assert "jürgen" not in text_of(result, "page 1")


def test_scanned_pdf_page_goes_to_ocr() -> None:
    page = b.text_image(["Customer name: Grace Porter", "Phone: +44 20 7946 0321"], size=(1240, 400), font_size=30)
    result = read("scan.pdf", b.pdf_scan([b.text_image(["Cover page"], size=(1240, 300), font_size=30), page]))
    assert_clean(result, "pdf")
    assert "grace porter" in text_of(result, "page 2")
    assert "+44 20 7946 0321" in text_of(result, "page 2")


def test_docx_paragraphs_table_rows_header_footer_and_embedded_image() -> None:
    picture = b.text_image(["Employee: Lisa Holm", "Clock number 4471"], size=(800, 160))
    data = b.docx_bytes(
        paragraphs=["Steps to reproduce", "Open the roster of Maria Nilsson."],
        table=[["Name", "Phone"], ["Karl Ek", "070-222 33 44"]],
        header="Confidential: HR", footer="Printed by Olle Berg", picture=picture,
    )
    result = read("details.docx", data)
    assert_clean(result, "docx")
    body = text_of(result, None)
    assert "open the roster of maria nilsson." in body
    assert "karl ek | 070-222 33 44" in body  # a row stays together
    assert "confidential: hr" in text_of(result, "header")
    assert "printed by olle berg" in text_of(result, "footer")
    assert "lisa holm" in text_of(result, "image 1")


def test_xlsx_sheets_with_headers() -> None:
    import datetime as dt

    data = b.xlsx_bytes({"Info": [["Report of week 2"]],
                         "Staff": [["Name", "Born"], ["Nora Lind", dt.datetime(1990, 5, 17)]]})
    result = read("staff.xlsx", data)
    assert_clean(result, "xlsx")
    assert "name: nora lind | born: 1990-05-17" in text_of(result, "sheet Staff")
    assert "report of week 2" in text_of(result, "sheet Info")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"])
def test_images_of_every_format_go_to_ocr(fmt: str) -> None:
    image = b.text_image(["Daniel Morgan 07700 900123"], size=(760, 90), font_size=30)
    options = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
    result = read(f"capture.{fmt.lower()}", b.image_bytes(image, fmt, **options))
    assert_clean(result, "image")
    assert "daniel morgan 07700 900123" in text_of(result)


def test_ocr_uses_the_ticket_language_plus_english() -> None:
    assert tesseract_languages("sv") == "swe+eng"
    assert tesseract_languages("de-DE") == "deu+eng"
    assert tesseract_languages("en") == "eng"
    assert tesseract_languages("fr") == "eng"
    image = b.text_image(["Åsa Öström", "asa.ostrom@exempel.se", "Jürgen Größ"], size=(700, 200), font_size=32)
    swedish = text_of(read("skärmdump.png", b.image_bytes(image), "sv"))
    assert "åsa öström" in swedish and "asa.ostrom@exempel.se" in swedish


def test_small_text_is_read_again_upscaled() -> None:
    from PIL import Image

    lines = ["Daniel Morgan 07700 900123", "Priya Shah 07700 900456", "Tom Baker 1984-03-12"]
    image = b.text_image(lines, size=(1000, 160), font_size=26).resize((350, 56), Image.Resampling.LANCZOS)
    text = text_of(read("thumb.png", b.image_bytes(image)))
    assert all(norm(line) in text for line in lines)  # at native size Tesseract misses two of three


def test_dark_mode_screenshot_is_read() -> None:
    image = b.text_image(["Signed in as Harriet Quinn"], size=(800, 90), font_size=30, dark=True)
    assert "harriet quinn" in text_of(read("dark.png", b.image_bytes(image)))


def test_icon_too_small_for_text_is_not_read_and_not_a_problem() -> None:
    result = read("icon.png", b.image_bytes(b.text_image(["x"], size=(16, 16), font_size=8)))
    assert (result.kind, result.parts, result.problem) == ("image", [], None)


def test_zip_members_one_level_deep() -> None:
    picture = b.text_image(["Owner: Tove Sjöberg"], size=(600, 90), font_size=30)
    data = b.zip_bytes({
        "logs/inner.txt": b"user anna.berg@example.se failed login",
        "shot.png": b.image_bytes(picture),
        "nested.zip": b.zip_bytes({"deep.txt": b"never read"}),
    })
    result = read("bundle.zip", data, "sv")
    assert result.kind == "zip"
    assert "anna.berg@example.se" in text_of(result, "member #1 text: logs/inner.txt")
    assert "tove sjöberg" in text_of(result, "member #2 image: shot.png")
    assert "never read" not in text_of(result)
    assert result.problem is not None and "archive member 3" in result.problem and "not opened" in result.problem


def test_screenshots_reject_returns_the_image_unread_without_problem() -> None:
    image = b.text_image(["Daniel Morgan"], size=(600, 90))
    result = read("capture.png", b.image_bytes(image), ocr=False)
    assert (result.kind, result.parts, result.problem) == ("image", [], None)


def test_with_ocr_off_images_inside_other_files_need_review() -> None:
    image = b.text_image(["Daniel Morgan"], size=(600, 90))
    result = read("bundle.zip", b.zip_bytes({"a.txt": b"hello", "b.png": b.image_bytes(image)}), ocr=False)
    assert "hello" in text_of(result)
    assert result.problem is not None and "OCR off" in result.problem
    scan = read("scan.pdf", b.pdf_scan([image]), ocr=False)
    assert scan.problem is not None and "OCR off" in scan.problem


def test_unknown_kind_is_a_problem_without_content() -> None:
    data = b"\x7fELF" + bytes(range(256)) * 8
    result = read("tool.bin", data)
    assert result.kind == "unknown" and not result.parts
    assert result.problem is not None and len(result.problem) < 80
