"""A value read only by OCR is weak evidence, unless the image itself confirms the reading.

The mark "read only by OCR" has to survive the trip from the extraction child to the worker
(it travels as JSON), and the bands then read it: a label beside the value or a checksum
confirms the reading; a name never is confirmed that way.
"""

from __future__ import annotations

from pathlib import Path

from bridge.extract import extract_attachment
from bridge.extract.isolation import decode_result, encode_result
from bridge.extract.limits import AttachmentLimits
from bridge.findings import ExtractedAttachment, Finding, TextPart
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules

ROOT = Path(__file__).resolve().parents[1]
LIMITS = AttachmentLimits(timeout_seconds=60)
TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))
LABEL = "context word 'mobile'"


def ocr_finding(kind: str, value: str, score: float = 0.9, evidence: str = "") -> Finding:
    return Finding(kind, "attachment:shot.png", 0, len(value), score, "test", value=value, evidence=evidence, ocr=True)


def test_text_read_by_ocr_in_the_extraction_child_is_still_marked_ocr_in_the_worker() -> None:
    data = (ROOT / "tests" / "fixtures" / "ocr" / "timesheet-exceptions.png").read_bytes()
    result = extract_attachment("shot.png", data, LIMITS, "en")
    assert result.parts and all(part.ocr for part in result.parts)
    typed = extract_attachment("notes.txt", b"Clock no. 604041 Harry Baxter\n", LIMITS, "en")
    assert typed.parts and not any(part.ocr for part in typed.parts)


def test_the_childs_answer_keeps_the_ocr_mark_and_refuses_a_mark_that_is_no_boolean() -> None:
    result = ExtractedAttachment("a.png", "image", [TextPart("attachment:a.png", "text", None, ocr=True)], None)
    decoded = decode_result("a.png", encode_result(result))
    assert decoded is not None and decoded.parts[0].ocr is True
    bad = b'{"kind": "image", "parts": [{"place": "attachment:a.png", "text": "x", "ocr": "yes"}]}'
    assert decode_result("a.png", bad) is None


def test_an_ocr_number_without_a_label_goes_to_review(rules: Rules) -> None:
    decision = decide([ocr_finding("PHONE_NUMBER", "07700 900123")], TICKET, rules, [])
    assert decision.action == "review" and "read only by OCR" in decision.reasons[0]


def test_an_ocr_number_with_a_label_beside_it_is_strong_evidence(rules: Rules) -> None:
    decision = decide([ocr_finding("PHONE_NUMBER", "07700 900123", evidence=LABEL)], TICKET, rules, [])
    assert decision.action == "delete"


def test_an_ocr_identifier_whose_checksum_holds_is_strong_evidence(rules: Rules) -> None:
    decision = decide([ocr_finding("IBAN_CODE", "GB82 WEST 1234 5698 7654 32", 1.0)], TICKET, rules, [])
    assert decision.action == "delete"


def test_an_ocr_name_stays_weak_even_with_a_label(rules: Rules) -> None:
    name = ocr_finding("PERSON", "Tammy Diaz", 0.85, evidence="context word 'name'")
    code = ocr_finding("PERSON_CODE", "025746", 0.9, evidence="context word 'clock no'")
    decision = decide([name, code], TICKET, rules, [])
    assert decision.action == "review" and "read only by OCR" in decision.reasons[0]
