"""The `retention:` section of rules.yaml: what it accepts, and a one-line error with a hint
(the line, the key, the fix) for what it does not."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bridge.rules import RulesError, parse_rules
from bridge.rules.retention import subtract_period

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "rules.yaml").read_text()


def with_retention(section: str) -> bytes:
    assert "\nretention: []\n" in BASE
    return BASE.replace("\nretention: []\n", "\nretention:\n" + section).encode()


def error(section: str) -> str:
    with pytest.raises(RulesError) as caught:
        parse_rules(with_retention(section))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_shipped_rules_have_no_retention_rule_and_show_the_seeds_periods_as_examples() -> None:
    assert parse_rules(BASE.encode()).retention == []
    assert "#     older_than: 3y" in BASE and "#     older_than: 2y" in BASE


def test_a_rule_per_platform_is_read_with_its_scope_and_period() -> None:
    rules = parse_rules(with_retention(
        "  - name: repairs-3y\n    platform: zendesk\n    scope: {forms: [Repair, 360001], tags: old}\n"
        "    older_than: 3y\n    based_on: solved\n    action: delete\n"
        "  - name: enquiries-2y\n    platform: jira\n    scope: {projects: [SD], request_types: [Enquiry]}\n"
        "    older_than: 18m\n")).retention
    assert [(r.name, r.platform, r.older_than, r.based_on) for r in rules] == [
        ("repairs-3y", "zendesk", "3y", "solved"), ("enquiries-2y", "jira", "18m", "updated")]
    assert rules[0].scope.forms == ["Repair", "360001"] and rules[0].scope.tags == ["old"]
    query = rules[1].query(datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert query.projects == ("SD",) and query.request_types == ("Enquiry",) and query.based_on == "updated"


@pytest.mark.parametrize("section, expected", [
    ("  - name: a\n    platform: zendesk\n    older_than: 3 years\n",
     "retention[0].older_than: '3 years' is not a period: write a period like 3y, 18m, 12w or 90d"),
    ("  - name: a\n    platform: zendesk\n    older_than: 0d\n", "retention[0].older_than: '0d' is too short"),
    ("  - name: a\n    platform: zendsk\n    older_than: 3y\n",
     "retention[0].platform: unknown platform 'zendsk'; choose one of: jira, zendesk"),
    ("  - name: a\n    platform: zendesk\n    scope: {projects: [SD]}\n    older_than: 3y\n",
     "retention[0].scope.projects: not a zendesk scope (zendesk rules are scoped by brands, forms, tags)"),
    ("  - name: a\n    platform: jira\n    older_than: 3y\n    based_on: closed\n",
     "retention[0].based_on: Input should be 'updated', 'solved' or 'created'"),
    ("  - name: a\n    platform: jira\n    older_than: 3y\n    action: archive\n", "retention[0].action"),
    ("  - name: a\n    platform: jira\n    older_than: 3y\n  - name: a\n    platform: zendesk\n    older_than: 2y\n",
     "retention[1].name: rule name 'a' is used twice"),
    ("  - platform: jira\n    older_than: 3y\n", "retention[0].name: Field required"),
    ("  - name: a\n    platform: jira\n    older_than: 3y\n    keep: forever\n", "retention[0].keep: unknown key"),
])
def test_a_wrong_rule_is_one_line_naming_the_key_and_the_fix(section: str, expected: str) -> None:
    assert expected in error(section)


def test_the_error_names_the_line_of_the_key() -> None:
    line = BASE.split("\nretention: []\n")[0].count("\n") + 2 + 3  # "retention:" then the rule's third line
    assert error("  - name: a\n    platform: zendesk\n    older_than: 3y4\n").startswith(
        f"rules.yaml line {line}: retention[0].older_than:")


def test_periods_are_calendar_years_and_months() -> None:
    now = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)
    assert subtract_period(now, 3, "y") == datetime(2023, 3, 31, 12, 0, tzinfo=timezone.utc)
    assert subtract_period(now, 1, "m") == datetime(2026, 2, 28, 12, 0, tzinfo=timezone.utc)
    assert subtract_period(now, 18, "m") == datetime(2024, 9, 30, 12, 0, tzinfo=timezone.utc)
    assert subtract_period(now, 90, "d") == datetime(2025, 12, 31, 12, 0, tzinfo=timezone.utc)
