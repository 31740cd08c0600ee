"""The policy, rule by rule: findings + ticket + rules -> Decision (pure, no scanner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.findings import ExtractedAttachment, Finding, TextPart
from bridge.platform import Requester, Ticket
from bridge.policy import admissible, decide, exemption, same_phone
from bridge.rules import Rules, load_rules, parse_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(ROOT / "rules.yaml")


def with_changes(rules: Rules) -> Rules:
    """A deep copy of the shipped rules for a test to change."""
    return rules.model_copy(deep=True)


def f(kind: str, value: str = "x", place: str = "body", score: float = 0.9, detail: str | None = None) -> Finding:
    return Finding(kind, place, 0, len(value), score, "test", value=value, detail=detail)


REQUESTER = Requester(name="Nils Bylund", email="Nils.Bylund@petterssonhb.se", phone="+46 90 30 93 62")
TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=REQUESTER)


# ---------------------------------------------------------------- direct identifiers


@pytest.mark.parametrize(
    "kind, value",
    [
        ("EMAIL_ADDRESS", "asa.hagglund@hotmail.com"),
        ("PHONE_NUMBER", "076 599 97 60"),
        ("STREET_ADDRESS", "Gengatan 72, 831 32 Kalmar"),
        ("US_SSN", "512-44-8821"),
        ("UK_NINO", "AB123456C"),
        ("UK_NHS", "943 476 5919"),
        ("SE_PERSONNUMMER", "811218-9876"),
        ("DE_TAX_ID", "86095742719"),
        ("PASSPORT", "533018271"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("IBAN_CODE", "DE89370400440532013000"),
        ("DATE_OF_BIRTH", "23.03.2004"),
    ],
)
def test_any_direct_identifier_alone_is_a_violation(rules: Rules, kind: str, value: str) -> None:
    decision = decide([f(kind, value)], TICKET, rules, [])
    assert decision.action == "delete" and decision.verdict == "violation"
    assert decision.reasons == ["direct-identifier"]
    assert decision.places == {"body": [kind]}
    assert [c.entity_type for c in decision.counted] == [kind]


@pytest.mark.parametrize("kind", ["PERSON", "IP_ADDRESS", "PERSON_CODE"])
def test_indirect_identifier_alone_is_clean(rules: Rules, kind: str) -> None:
    decision = decide([f(kind, "Erik Sköld" if kind == "PERSON" else "4471")], TICKET, rules, [])
    assert decision.action == "none" and decision.reasons == [] and decision.counted == []
    assert len(decision.findings) == 1  # still reported, for --explain and eval


@pytest.mark.parametrize("other", ["IP_ADDRESS", "PERSON_CODE", "PHONE_NUMBER", "DATE_OF_BIRTH"])
def test_full_name_with_another_identifier_is_a_violation(rules: Rules, other: str) -> None:
    findings = [f("PERSON", "Erik Sköld", place="attachment:list.pdf", detail="page 2"),
                f(other, "4471", place="attachment:list.pdf", detail="page 2")]
    decision = decide(findings, TICKET, rules, [])
    assert decision.action == "delete"
    assert "full-name-with-identifier" in decision.reasons
    assert sorted(decision.places["attachment:list.pdf (page 2)"]) == sorted(["PERSON", other])


@pytest.mark.parametrize("other, action", [("IP_ADDRESS", "review"), ("PERSON_CODE", "review"),
                                           ("PHONE_NUMBER", "delete"), ("DATE_OF_BIRTH", "delete")])
def test_a_name_and_an_identifier_in_different_parts_are_weak_unless_the_identifier_is_direct(
    rules: Rules, other: str, action: str
) -> None:
    findings = [f("PERSON", "Erik Sköld", place="subject"), f(other, "4471", place="attachment:list.pdf", detail="page 2")]
    decision = decide(findings, TICKET, rules, [])
    assert decision.action == action
    assert any(r.startswith("full-name-with-identifier") for r in decision.reasons)
    assert decision.places["subject"] == ["PERSON"]
    assert decision.places["attachment:list.pdf (page 2)"] == [other]


def test_two_names_are_not_a_combination(rules: Rules) -> None:
    decision = decide([f("PERSON", "Erik Sköld"), f("PERSON", "Anna Berg")], TICKET, rules, [])
    assert decision.action == "none"


def test_below_threshold_does_not_count(rules: Rules) -> None:
    threshold = rules.entities["PHONE_NUMBER"].threshold
    weak = f("PHONE_NUMBER", "0793442330", score=threshold - 0.01)
    assert decide([weak], TICKET, rules, []).action == "none"
    assert "below threshold" in (exemption(weak, TICKET, rules) or "")
    assert decide([f("PHONE_NUMBER", "0793442330", score=threshold)], TICKET, rules, []).action == "delete"


def test_disabled_entity_never_counts(rules: Rules) -> None:
    assert decide([f("URL", "https://x.example")], TICKET, rules, []).action == "none"
    assert decide([f("UNKNOWN_KIND", "?")], TICKET, rules, []).action == "none"


# ---------------------------------------------------------------- allow lists


@pytest.mark.parametrize(
    "value",
    ["support@acme.se", "INFO@acme.se", "noreply-eu@acme.se", "helpdesk@acme.de", "sales@acme.com",
     "firstname.lastname@example.com"],
)
def test_role_mailboxes_and_address_templates_are_allowed(rules: Rules, value: str) -> None:
    assert decide([f("EMAIL_ADDRESS", value)], TICKET, rules, []).action == "none"


def test_a_persons_address_at_a_reserved_example_domain_still_counts(rules: Rules) -> None:
    """Test data and fictional tickets put real-looking people at example domains."""
    assert decide([f("EMAIL_ADDRESS", "maja.lind@example.com")], TICKET, rules, []).action == "delete"


def test_organisation_domains_patterns_and_values_from_rules(rules: Rules) -> None:
    changed = with_changes(rules)
    changed.allow.email_domains = ["vendor.io"]
    changed.allow.values = ["+46 8 123 456 00"]
    assert decide([f("EMAIL_ADDRESS", "jane@eu.vendor.io")], TICKET, changed, []).action == "none"
    assert decide([f("EMAIL_ADDRESS", "jane@vendor.io.evil.com")], TICKET, changed, []).action == "delete"
    assert decide([f("PHONE_NUMBER", "+46 8 123 456 00")], TICKET, changed, []).action == "none"
    # a number in the range reserved for fiction is still written as someone's number: it counts
    assert decide([f("PHONE_NUMBER", "(212) 555-0142")], TICKET, changed, []).action == "delete"
    assert decide([f("PHONE_NUMBER", "0711 77041-0")], TICKET, changed, []).action == "none"  # German switchboard -0


# ---------------------------------------------------------------- requester-self exemption


@pytest.mark.parametrize(
    "kind, value",
    [
        ("EMAIL_ADDRESS", "nils.bylund@PETTERSSONHB.se"),
        ("PHONE_NUMBER", "090-30 93 62"),
        ("PHONE_NUMBER", "+46903093 62"),
        ("PHONE_NUMBER", "0046 90 30 93 62"),
        ("PERSON", "Nils  Bylund"),
        ("PERSON", "NILS BYLUND"),
    ],
)
def test_requester_own_data_never_counts(rules: Rules, kind: str, value: str) -> None:
    finding = f(kind, value)
    assert exemption(finding, TICKET, rules) is not None
    assert decide([finding, f("PERSON_CODE", "4471")], TICKET, rules, []).action == "none"


def test_requester_phone_in_other_formats() -> None:
    assert same_phone("(212) 451-9168", "212.451.9168", ["US"])
    assert same_phone("+1 720-988-7317", "+1 (720) 988-7317", ["US"])
    assert same_phone("07599451426", "+44 7599 451426", ["GB"])
    assert same_phone("+49 (0)172 5184142", "+491725184142", ["DE"])
    assert not same_phone("+46 90 30 93 62", "+46 90 30 93 63", ["SE"])


def test_someone_else_is_not_exempt(rules: Rules) -> None:
    decision = decide([f("PERSON", "Nils Andersson"), f("PHONE_NUMBER", "090-30 93 63")], TICKET, rules, [])
    assert decision.action == "delete"
    assert set(decision.kind_counts()) == {"PERSON", "PHONE_NUMBER"}


def test_exemption_can_be_switched_off(rules: Rules) -> None:
    changed = with_changes(rules)
    changed.requester_exemption.enabled = False
    assert decide([f("EMAIL_ADDRESS", "nils.bylund@petterssonhb.se")], TICKET, changed, []).action == "delete"


def test_ticket_without_requester_data(rules: Rules) -> None:
    ticket = Ticket(id="2", platform="test", subject="", body="")
    assert decide([f("PHONE_NUMBER", "090-30 93 62")], ticket, rules, []).action == "delete"


# ---------------------------------------------------------------- attachments


def test_screenshots_reject_makes_any_image_a_violation(rules: Rules) -> None:
    changed = with_changes(rules)
    changed.attachments.screenshots = "reject"
    shot = ExtractedAttachment("screen.png", "image", parts=[TextPart("attachment:screen.png", "hello")])
    decision = decide([], TICKET, changed, [shot, ExtractedAttachment("log.txt", "text")])
    assert decision.action == "delete"
    assert decision.places == {"attachment:screen.png": ["SCREENSHOT"]}
    assert decide([], TICKET, rules, [shot]).action == "none"  # default: scan them instead


def test_unreadable_attachment_goes_to_review_with_a_reason_without_values(rules: Rules) -> None:
    broken = ExtractedAttachment("report.pdf", "pdf", problem="encrypted PDF")
    decision = decide([], TICKET, rules, [broken])
    assert decision.action == "review" and decision.verdict == "review"
    assert decision.reasons == ["attachment report.pdf could not be read: encrypted PDF"]


def test_on_unscannable_delete_and_none(rules: Rules) -> None:
    broken = ExtractedAttachment("scan.png", "image", problem="OCR timed out")
    deleting = with_changes(rules)
    deleting.attachments.on_unscannable = "delete"
    decision = decide([], TICKET, deleting, [broken])
    assert decision.action == "delete" and decision.places == {"attachment:scan.png": ["UNREADABLE_ATTACHMENT"]}
    ignoring = with_changes(rules)
    ignoring.attachments.on_unscannable = "none"
    assert decide([], TICKET, ignoring, [broken]).action == "none"


def test_a_violation_found_elsewhere_wins_over_review(rules: Rules) -> None:
    broken = ExtractedAttachment("scan.png", "image", problem="OCR timed out")
    decision = decide([f("EMAIL_ADDRESS", "asa@hotmail.com")], TICKET, rules, [broken])
    assert decision.action == "delete"
    assert decision.reasons[0] == "direct-identifier" and "could not be read" in decision.reasons[1]


# ---------------------------------------------------------------- actions


def test_actions_violation_review_and_none(rules: Rules) -> None:
    reviewing = with_changes(rules)
    reviewing.actions.violation = "review"
    assert decide([f("EMAIL_ADDRESS", "asa@hotmail.com")], TICKET, reviewing, []).action == "review"
    recording = with_changes(rules)
    recording.actions.violation = "none"
    decision = decide([f("EMAIL_ADDRESS", "asa@hotmail.com")], TICKET, recording, [])
    assert decision.action == "none" and decision.reasons == ["direct-identifier"]


def test_per_rule_action_and_custom_rules() -> None:
    custom = parse_rules(
        b"""
entities:
  IP_ADDRESS: {recognizers: [ip_address]}
  PERSON_CODE: {recognizers: [person_code]}
policy:
  - name: ip-alone-needs-a-look
    if_any: [IP_ADDRESS]
    action: review
  - name: codes-are-fine
    if_any: [PERSON_CODE]
    action: none
"""
    )
    assert decide([f("IP_ADDRESS", "1.2.3.4")], TICKET, custom, []).action == "review"
    decision = decide([f("PERSON_CODE", "4471")], TICKET, custom, [])
    assert decision.action == "none" and decision.reasons == ["codes-are-fine"]


def test_decide_is_pure(rules: Rules) -> None:
    findings = [f("PERSON", "Erik Sköld"), f("PERSON_CODE", "4471")]
    before = list(findings)
    first = decide(findings, TICKET, rules, [])
    second = decide(findings, TICKET, rules, [])
    assert findings == before
    assert first.to_dict() == second.to_dict()
    assert admissible(findings, TICKET, rules) == findings


def test_decision_dict_has_no_values(rules: Rules) -> None:
    decision = decide([f("EMAIL_ADDRESS", "asa.hagglund@hotmail.com")], TICKET, rules, [])
    assert "asa.hagglund" not in str(decision.to_dict())


# ---------------------------------------------------------------- the requester's signature

SIGNATURE_LABELS = ["tel", "phone", "mobile", "mob", "m", "t", "direct", "office", "cell", "telefon", "tfn",
                    "mobil", "direkt", "handy", "fon"]


def signature_rules(rules: Rules, lines: int = 4) -> Rules:
    changed = with_changes(rules)
    changed.requester_exemption.signature.lines = lines
    changed.requester_exemption.signature.labels = SIGNATURE_LABELS
    return changed


def phone_in(body: str, phone: str, name: str = "Dakota Yazzie") -> tuple[Finding, Ticket]:
    start = body.index(phone)
    finding = Finding("PHONE_NUMBER", "body", start, start + len(phone), 0.9, "test", value=phone)
    return finding, Ticket(id="2", platform="test", subject="s", body=body, requester=Requester(name=name))


@pytest.mark.parametrize(
    "body, phone",
    [
        ("The export fails.\n\nRegards\nDakota Yazzie\nTel: (319) 372-9559\n", "(319) 372-9559"),
        ("Thanks!\n— Dakota Yazzie | (319) 372-9559", "(319) 372-9559"),
        ("Dakota Yazzie, IT Manager\nOffice +1 319 372 9550\nMobile: +1 (319) 372-9559", "+1 (319) 372-9559"),
        ("Tack på förhand!\nDakota\nMobil 070-174 06 05", "070-174 06 05"),
        ("Thanks in advance\nD. Yazzie\nPayroll Administrator\nRedwood Contact Solutions\n"
         "Main office: 1-800-555-0199\nTel: (319) 372-9559\ndakota.yazzie@example.com", "(319) 372-9559"),
        ("Viele Grüße\nDAKOTA YAZZIE\nTelefon: 0171 2345678", "0171 2345678"),
    ],
)
def test_a_phone_in_the_requesters_own_signature_is_theirs(rules: Rules, body: str, phone: str) -> None:
    finding, ticket = phone_in(body, phone)
    assert exemption(finding, ticket, signature_rules(rules)) == "the requester's own phone number (in their signature)"
    assert exemption(finding, ticket, signature_rules(rules, lines=0)) is None, "off when lines is 0"


@pytest.mark.parametrize(
    "body, phone",
    [
        # the line after the sign-off says something else: a colleague's number
        ("Regards\nDakota Yazzie\nPS: my colleague Tom Hill is on 07700 900123", "07700 900123"),
        # a number in the text above the signature
        ("Please call Tom Hill on 07700 900123.\n\nRegards\nDakota Yazzie", "07700 900123"),
        # too many lines after the name
        ("Dakota Yazzie\nAcme\nLevel 3\nLondon\nUK\nTel 07700 900123", "07700 900123"),
        # prose between the name and the number
        ("Dakota Yazzie\nMy colleague in the Leeds warehouse saw this first, his direct number:\nTel 07700 900123",
         "07700 900123"),
        # somebody else's signature
        ("Forwarded:\nTom Hill\nTel: 07700 900123\n\nRegards\nDakota Yazzie", "07700 900123"),
        # the name mentioned in a sentence, not a sign-off line
        ("I, Dakota Yazzie, asked Tom to call\n07700 900123", "07700 900123"),
    ],
)
def test_other_phones_near_a_signature_still_count(rules: Rules, body: str, phone: str) -> None:
    finding, ticket = phone_in(body, phone)
    assert exemption(finding, ticket, signature_rules(rules)) is None
    assert decide([finding], ticket, signature_rules(rules), []).action == "delete"


@pytest.mark.parametrize(
    "body, phone, own",
    [
        ("If the export fails again, call me on 07700 900123.", "07700 900123", True),
        ("Du kan nå mig på 070-174 06 05 hela dagen.", "070-174 06 05", True),
        ("Rufen Sie mich unter 0171 2345678 zurück.", "0171 2345678", True),
        ("My mobile: +44 7700 900123", "+44 7700 900123", True),
        ("Please call him on 07700 900123.", "07700 900123", False),
        ("Call me or my colleague Tom Hill on 07700 900123.", "07700 900123", False),
        ("My number is below.\nTom Hill 07700 900123", "07700 900123", False),  # another sentence
        ("Du kan nå mig på\n070-123 45 68 under dagen.", "070-123 45 68", True),  # a wrapped line
        ("Rufen Sie mich gerne unter 0151 23456789 zurück.", "0151 23456789", True),
        ("My colleague's number is 07700 900123.", "07700 900123", False),
        ("Call me or Tom Hill on 07700 900123.", "07700 900123", False),
    ],
)
def test_a_phone_the_requester_calls_their_own_is_theirs(rules: Rules, body: str, phone: str, own: bool) -> None:
    finding, ticket = phone_in(body, phone)
    assert (exemption(finding, ticket, rules) is not None) is own


def _at(kind: str, start: int, place: str = "attachment:list.pdf", detail: str | None = "page 1") -> Finding:
    return Finding(kind, place, start, start + 10, 0.9, "test", value="v" * 10, detail=detail)


def test_a_special_category_heading_far_above_named_rows_of_one_attachment_page_goes_to_review(rules: Rules) -> None:
    findings = [_at("SPECIAL_CATEGORY", 0), _at("PERSON", 400)]
    assert decide(findings, TICKET, rules, []).action == "review"
    near = [_at("SPECIAL_CATEGORY", 0), _at("PERSON", 60)]
    assert decide(near, TICKET, rules, []).action == "delete"
    other_page = [_at("SPECIAL_CATEGORY", 0), _at("PERSON", 400, detail="page 2")]
    assert decide(other_page, TICKET, rules, []).action == "none"


def test_a_name_in_the_description_and_codes_only_in_an_attachment_go_to_review(rules: Rules) -> None:
    across = [f("PERSON", "Liv Berg"), _at("PERSON_CODE", 20, place="attachment:rota.csv", detail=None)]
    decision = decide(across, TICKET, rules, [])
    assert decision.action == "review" and any("different parts" in r for r in decision.reasons)
    together = [f("PERSON", "Liv Berg"), f("PERSON_CODE", "E4711")]
    assert decide(together, TICKET, rules, []).action == "delete"
