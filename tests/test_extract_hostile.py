"""Hostile attachments end in a problem, within the time limit, without bloating the worker.

The worker here is this test process: its peak RSS must not grow while the children
decode bombs, and every reason must be free of the file's content.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.extract import extract_attachment, extract_attachments
from bridge.extract.limits import AttachmentLimits
from bridge.findings import ExtractedAttachment
from tests.fixtures.extract import builders as b

LIMITS = AttachmentLimits(timeout_seconds=20, max_memory_mb=512)
SECRET = "Mirjam Sandqvist"  # put into hostile files; must never appear in a reason
PARENT_GROWTH_KB = 64 * 1024


def _picture() -> bytes:
    return b.image_bytes(b.text_image([SECRET], size=(600, 90)))


HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "png_30000x30000": ("bomb.png", b.png_bomb, "pixel"),
    "zip_bomb": ("logs.zip", b.zip_bomb, "expands"),
    "zip_many_members": ("many.zip", lambda: b.zip_bytes({f"f{n}.txt": SECRET.encode() for n in range(150)}),
                         "members"),
    "zip_lying_sizes": ("small.zip", b.zip_lying_sizes, "corrupt"),
    "corrupt_pdf": ("report.pdf", lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + os.urandom(4000),
                    "corrupt PDF"),
    "encrypted_pdf": ("locked.pdf", lambda: b.pdf_encrypted([SECRET]), "encrypted PDF"),
    "truncated_jpeg": ("photo.jpg", lambda: b.truncated_jpeg(b.text_image([SECRET], size=(900, 600))), "corrupt"),
    "docx_with_bomb_image": ("cv.docx", lambda: _docx_with_media(b.png_bomb(20_000, 20_000)), "pixel"),
    "corrupt_docx": ("cv.docx", lambda: b.docx_bytes([SECRET], [["a"]], "h", "f")[:3000], "corrupt"),
}


def _docx_with_media(image: bytes) -> bytes:
    """A DOCX whose word/media holds ``image`` (python-docx would decode it to insert it)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(b.docx_bytes(["Hello"], [["a"]], "h", "f")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/media/image1.png", image, compress_type=zipfile.ZIP_STORED)  # as Word does
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    return {name: (filename, make(), reason) for name, (filename, make, reason) in HOSTILE.items()}


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_ends_in_a_problem_in_time_and_memory(case: str, hostile_files: dict) -> None:
    filename, data, reason = hostile_files[case]
    before = _peak_rss_kb()
    started = time.monotonic()
    result = extract_attachment(filename, data, LIMITS, "en")
    elapsed = time.monotonic() - started
    assert result.problem is not None and reason in result.problem, result.problem
    assert SECRET.lower() not in result.problem.lower()
    assert not any(SECRET in part.text for part in result.parts)
    assert elapsed < LIMITS.timeout_seconds
    assert _peak_rss_kb() - before < PARENT_GROWTH_KB


def test_decoding_past_the_memory_limit_is_a_problem_not_a_crash() -> None:
    limits = AttachmentLimits(max_pixels=200_000_000, max_memory_mb=300, timeout_seconds=20)
    data = b.image_bytes(b.text_image(["x"], size=(12_000, 9_000)))  # ~320 MB decoded as RGB
    before = _peak_rss_kb()
    result = extract_attachment("huge.png", data, limits, "en")
    assert result.kind == "image"
    assert result.problem == "ran out of memory (limit 300 MB)"
    assert _peak_rss_kb() - before < PARENT_GROWTH_KB


def _tesseract_pids() -> set[int]:
    """Live (not zombie) tesseract processes."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, state = stat[stat.find("(") + 1: stat.rfind(")")], stat[stat.rfind(")") + 2]
            if name == "tesseract" and state not in "ZX":
                pids.add(int(entry.name))
    return pids


def test_wall_clock_limit_kills_the_child_and_its_tesseract() -> None:
    lines = [f"Row {n}: Employee name and phone 070-{n:03d} 12 34 department, team and shift" for n in range(80)]
    image = b.text_image(lines, size=(3000, 4000), font_size=30)  # ~8 s of OCR
    limits = AttachmentLimits(timeout_seconds=1.5)
    before = _tesseract_pids()
    started = time.monotonic()
    result = extract_attachment("long.png", b.image_bytes(image), limits, "en")
    elapsed = time.monotonic() - started
    assert result.problem == "timed out after 1.5 s"
    assert result.parts == []
    assert elapsed < limits.timeout_seconds + 2
    deadline = time.monotonic() + 1  # SIGKILL is sent; let the kernel finish tearing it down
    while _tesseract_pids() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (_tesseract_pids() - before), "tesseract outlived its killed parent"


def test_pdf_over_the_page_limit() -> None:
    result = extract_attachment("long.pdf", b.pdf_many_pages(8), AttachmentLimits(max_pdf_pages=5), "en")
    assert (result.kind, result.parts, result.problem) == ("pdf", [], "PDF has 8 pages (limit 5)")


def test_attachment_over_the_byte_limit_is_not_even_started() -> None:
    limits = AttachmentLimits(max_bytes=1000)
    started = time.monotonic()
    result = extract_attachment("big.log", b"x" * 5000, limits, "en")
    assert result.problem == "larger than the 1000 bytes limit"
    assert time.monotonic() - started < 0.1  # no child process was needed


def test_ticket_byte_limit_sends_the_rest_to_review() -> None:
    limits = AttachmentLimits(max_ticket_bytes=3000)
    results = extract_attachments(
        [("a.txt", b"a" * 2000), ("b.txt", b"b" * 2000), ("c.txt", b"c" * 500)], limits, "en")
    assert [r.problem is None for r in results] == [True, False, True]
    assert "ticket" in (results[1].problem or "")


def test_encrypted_pdf_with_empty_user_password_is_read() -> None:
    data = b.pdf_encrypted([f"Invoice for {SECRET}"], password="")
    result = extract_attachment("perm.pdf", data, LIMITS, "en")
    assert result.problem is None
    assert SECRET in " ".join(p.text for p in result.parts)


def test_a_result_is_always_an_extracted_attachment(hostile_files: dict) -> None:
    results = extract_attachments([(f, d) for f, d, _ in hostile_files.values()], LIMITS, "en")
    assert all(isinstance(r, ExtractedAttachment) and r.problem for r in results)


def test_the_child_gets_no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from bridge.extract.runner import child_environment

    monkeypatch.setenv("ZENDESK_API_TOKEN", "tok-123")
    env = child_environment()
    assert "ZENDESK_API_TOKEN" not in env
    assert env["OMP_THREAD_LIMIT"] == "1" and "PATH" in env


def _xlsx_with_entity_bomb() -> bytes:
    """A workbook whose sheet declares a billion-laughs entity and uses it in a cell."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "hello"
    plain = io.BytesIO()
    book.save(plain)
    lol = "".join(f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    return out.getvalue()


def test_defusedxml_is_declared_and_xml_entity_expansion_is_refused() -> None:
    import tomllib

    import openpyxl.xml

    declared = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("defusedxml") for dep in declared["dependencies"])
    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses with defusedxml only when it is installed
    started = time.monotonic()
    result = extract_attachment("rota.xlsx", _xlsx_with_entity_bomb(), LIMITS, "en")
    assert result.problem and time.monotonic() - started < LIMITS.timeout_seconds
    assert "lol" not in " ".join(p.text for p in result.parts)
