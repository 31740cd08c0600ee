"""Confidence bands: delete on strong evidence, review when the only evidence is weak."""

from __future__ import annotations

import pytest

from bridge.confidence import calibrated
from bridge.findings import Finding
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules, parse_rules
from bridge.structure import read_structure

TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))


def f(kind: str, value: str, score: float = 0.9, **extra: object) -> Finding:
    return Finding(kind, "body", 0, len(value), score, "test", value=value, **extra)  # type: ignore[arg-type]


def test_a_strong_direct_identifier_deletes_and_carries_its_band(rules: Rules) -> None:
    decision = decide([f("PHONE_NUMBER", "07700 900123")], TICKET, rules, [])
    assert decision.action == "delete"
    from bridge.confidence import calibrated

    expected = calibrated(0.9, rules.confidence.calibration.get("PHONE_NUMBER"))  # the fitted points of rules.yaml
    assert decision.counted[0].band == "delete" and decision.counted[0].confidence == pytest.approx(expected)


def test_a_value_read_only_by_ocr_goes_to_review(rules: Rules) -> None:
    finding = Finding("PHONE_NUMBER", "attachment:shot.png", 0, 12, 0.9, "test", value="07700 900123", ocr=True)
    decision = decide([finding], TICKET, rules, [])
    assert decision.action == "review"
    assert decision.reasons == ["direct-identifier (weak evidence: read only by OCR)"]
    assert decision.counted[0].band == "review" and decision.counted[0].confidence <= rules.confidence.weak_score


def test_ocr_evidence_with_strong_text_evidence_still_deletes(rules: Rules) -> None:
    ocr = Finding("PHONE_NUMBER", "attachment:shot.png", 0, 12, 0.9, "test", value="07700 900123", ocr=True)
    decision = decide([ocr, f("EMAIL_ADDRESS", "tom.hill@gmail.com")], TICKET, rules, [])
    assert decision.action == "delete"


def test_an_address_without_a_house_number_goes_to_review(rules: Rules) -> None:
    decision = decide([f("STREET_ADDRESS", "Albion Crescent, Leeds")], TICKET, rules, [])
    assert decision.action == "review" and "house number" in decision.reasons[0]
    assert decide([f("STREET_ADDRESS", "12 Albion Crescent, Leeds")], TICKET, rules, []).action == "delete"


BARE = "number in brackets after a full name"


def test_a_shape_guessed_name_with_a_bare_number_goes_to_review(rules: Rules) -> None:
    name = f("PERSON", "Tammy Diaz", 0.6)
    code = f("PERSON_CODE", "025746", 0.75, evidence=BARE)
    decision = decide([name, code], TICKET, rules, [])
    assert decision.action == "review"
    assert "shape" in decision.reasons[0]


def test_a_cued_name_or_a_named_number_is_strong(rules: Rules) -> None:
    cued = f("PERSON", "Tammy Diaz", 0.85)
    bare = f("PERSON_CODE", "025746", 0.75, evidence=BARE)
    assert decide([cued, bare], TICKET, rules, []).action == "delete"
    named = f("PERSON_CODE", "025746", 0.75, evidence="number after a person-code word")
    assert decide([f("PERSON", "Tammy Diaz", 0.6), named], TICKET, rules, []).action == "delete"


def test_one_table_row_is_one_person(rules: Rules) -> None:
    body = "Name | Clock\nTammy Diaz | 025746\n"
    row = read_structure(body).row_of(body.index("Tammy"))
    name = f("PERSON", "Tammy Diaz", 0.6, row=row)
    code = f("PERSON_CODE", "025746", 0.75, evidence=BARE, row=row)
    assert decide([name, code], TICKET, rules, []).action == "delete"
    other = f("PERSON_CODE", "025746", 0.75, evidence=BARE, row=(0, 5))
    assert decide([name, other], TICKET, rules, []).action == "review"


def test_a_review_is_never_a_deletion_whatever_the_count(rules: Rules) -> None:
    weak = [Finding("PHONE_NUMBER", "attachment:a.png", i * 20, i * 20 + 12, 0.95, "t", value=f"07700 90012{i}", ocr=True)
            for i in range(5)]
    assert decide(weak, TICKET, rules, []).action == "review"


def test_calibration_points_map_scores() -> None:
    points = [(0.4, 0.2), (0.6, 0.8), (0.9, 0.95)]
    assert calibrated(0.5, points) == pytest.approx(0.5)
    assert calibrated(0.6, points) == pytest.approx(0.8)
    assert calibrated(0.99, points) == pytest.approx(0.95)
    assert calibrated(0.7, None) == 0.7


def test_calibration_from_rules_moves_a_finding_between_bands(rules: Rules) -> None:
    changed = rules.model_copy(deep=True)
    changed.confidence.calibration = {"PHONE_NUMBER": [(0.5, 0.3), (1.0, 0.45)]}
    assert decide([f("PHONE_NUMBER", "07700 900123")], TICKET, changed, []).action == "review"


def test_weak_score_must_stay_below_the_delete_band() -> None:
    from bridge.rules import RulesError

    with pytest.raises(RulesError, match="weak_score"):
        parse_rules(b"confidence:\n  delete_from: 0.5\n  weak_score: 0.6\n")


def _scanned(body: str, kind: str, value: str) -> Finding:
    start = body.index(value)
    lo = max(0, start - 40)
    context = ("…" if lo else "") + body[lo:start] + f"<{kind}>" + body[start + len(value):start + len(value) + 40]
    return Finding(kind, "body", start, start + len(value), 1.0, "test", value=value, context=context)


@pytest.mark.parametrize(
    "body, value, action",
    [
        ('Logins with capitals are doubled, e.g. "Sam.K@wexley-foods.co.uk" instead of lower case.', "Sam.K@wexley-foods.co.uk", "review"),
        ('Inloggning med versaler, t.ex. "Sam.K@wexley.se" istället för gemener.', "Sam.K@wexley.se", "review"),
        ('Großbuchstaben, z. B. „Sam.K@wexley.se“ statt Kleinbuchstaben.', "Sam.K@wexley.se", "review"),
        # not quoted, or no example word: a colleague's address, deleted
        ("Logins are doubled, e.g. for Sam.K@wexley-foods.co.uk since Monday.", "Sam.K@wexley-foods.co.uk", "delete"),
        ('Please write to "sam.kerr@gmail.com" about the shift.', "sam.kerr@gmail.com", "delete"),
        ('The Beleg "sam.kerr@gmail.com" was wrong.', "sam.kerr@gmail.com", "delete"),
    ],
)
def test_an_address_quoted_as_an_example_of_a_format_goes_to_review(rules: Rules, body: str, value: str, action: str) -> None:
    decision = decide([_scanned(body, "EMAIL_ADDRESS", value)], TICKET, rules, [])
    assert decision.action == action
