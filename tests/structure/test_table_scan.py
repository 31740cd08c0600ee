"""A table pasted into the body is read by column: its header row names the columns, and one
row is one person (name, code and number go together)."""

from __future__ import annotations

import pytest

from bridge.findings import TextPart
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner

ROWS = [("Tom Hale", "1183", "0113 496 0123"), ("Amy Reid", "1184", "0113 496 0124")]


def table(sep: str) -> str:
    if sep == "  ":
        lines = [f"{'Name':12}{'Clock no':11}Phone"] + [f"{n:12}{c:11}{p}" for n, c, p in ROWS]
    else:
        lines = [sep.join(["Name", "Clock no", "Phone"])] + [sep.join(row) for row in ROWS]
    return "Hi,\n\nthese two cannot clock in:\n\n" + "\n".join(lines) + "\n\nThanks\nAnn\n"


@pytest.mark.parametrize("sep", [" | ", "\t", ";", "  "], ids=["pipe", "tab", "semicolon", "aligned"])
def test_numbers_under_a_phone_header_are_found_in_every_row(scanner: Scanner, rules: Rules, sep: str) -> None:
    body = table(sep)
    findings = scanner.scan([TextPart("body", body)], "en")
    phones = {f.value for f in findings if f.entity_type == "PHONE_NUMBER" and f.score >= 0.5}
    assert phones == {p for _, _, p in ROWS}
    assert {f.part for f in findings if f.entity_type == "PHONE_NUMBER"} == {"table"}
    rows = {f.value: f.row for f in findings if f.row is not None}
    assert rows["Tom Hale"] == rows["0113 496 0123"] != rows["Amy Reid"]
    ticket = Ticket(id="t", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    assert decide(findings, ticket, rules, []).action == "delete"
