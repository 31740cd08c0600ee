"""The rules for comments and redaction (issue 17): ``comments:`` (which comments are scanned,
what a violation in one does) and ``actions.violation: redact`` with its fallback; a bad value
is one line naming the file's line and the key."""

from __future__ import annotations

import pytest

from bridge.rules import RulesError, parse_rules

GATE = "entities: {EMAIL_ADDRESS: {recognizers: [email]}}\npolicy: [{name: any-email, if_any: [EMAIL_ADDRESS]}]\n"


def test_shipped_rules_scan_end_users_public_comments_and_redact(rules) -> None:  # type: ignore[no-untyped-def]
    assert rules.comments.scan == ["end_user_public"]
    assert rules.comments.include_internal_notes is False
    assert rules.comments.action == "redact" and rules.comments.enabled
    assert rules.actions.violation == "delete" and rules.actions.redact_fallback == "review"


def test_a_file_without_a_comments_section_scans_end_users_comments() -> None:
    rules = parse_rules(GATE.encode())
    assert rules.comments.scan == ["end_user_public"] and rules.comments.action == "redact"


def test_no_kinds_and_no_notes_turn_comment_scanning_off() -> None:
    rules = parse_rules((GATE + "comments: {scan: [], include_internal_notes: false}\n").encode())
    assert not rules.comments.enabled
    rules = parse_rules((GATE + "comments: {scan: [], include_internal_notes: true}\n").encode())
    assert rules.comments.enabled


def test_redact_is_a_violation_that_acts() -> None:
    rules = parse_rules((GATE + "actions: {violation: redact, redact_fallback: delete}\n").encode())
    assert rules.actions.violation == "redact" and rules.actions.violation_decision == "delete"
    assert rules.gate_off_reason() is None


BAD = [
    ("comments:\n  scan: [everyone]\n", 2, "comments.scan[0]", "end_user_public"),
    ("comments:\n  scan: [end_user_public, end_user_public]\n", 2, "comments.scan", "listed twice"),
    ("comments:\n  action: purge\n", 2, "comments.action", "redact"),
    ("comments:\n  include_internal_notes: sometimes\n", 2, "comments.include_internal_notes", "boolean"),
    ("comments:\n  scna: [end_user_public]\n", 2, "comments.scna", "unknown key"),
    ("actions:\n  violation: redact\n  redact_fallback: keep\n", 3, "actions.redact_fallback", "review"),
]


@pytest.mark.parametrize("text, line, key, fragment", BAD, ids=[b[2] for b in BAD])
def test_a_bad_comments_or_redaction_setting_is_one_line_with_its_place(text: str, line: int, key: str,
                                                                       fragment: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules((GATE + text).encode(), label="bad.yaml")
    message = str(info.value)
    assert len(message.splitlines()) == 1, message
    assert f"bad.yaml line {line + 2}" in message and key in message and fragment in message
