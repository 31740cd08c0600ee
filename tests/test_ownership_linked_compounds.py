"""Swedish function compounds with a linking "e" ("löne-") or a definite ending ("-kontoret") are
function mailboxes, in the address and in the display name. All values are invented."""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.ownership import ORGANISATION, THIRD_PARTY, holder_of
from bridge.platform import Requester, Ticket
from bridge.rules import Rules


def holder(body: str, value: str, rules: Rules) -> str:
    start = body.index(value)
    finding = Finding("EMAIL_ADDRESS", "body", start, start + len(value), 1.0, "test", value=value)
    ticket = Ticket(id="1", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    return holder_of(finding, ticket, rules).holder


@pytest.mark.parametrize(
    "body, address",
    [
        ("Hej,\nse nedan.\n\nFrån: Lönesupport <lonesupport@ekby-kommun.example>\nÄmne: Spec\n", "lonesupport@ekby-kommun.example"),
        ("Hej,\nse nedan.\n\nFrån: Lönekontoret <lonekontoret@ekby-hamn.example>\nÄmne: Spec\n", "lonekontoret@ekby-hamn.example"),
        ("Frågor mejlas till lonekontoret@ekby-hamn.example i första hand.", "lonekontoret@ekby-hamn.example"),
    ],
)
def test_a_linked_or_definite_function_compound_is_a_function_mailbox(rules: Rules, body: str, address: str) -> None:
    assert holder(body, address, rules) == ORGANISATION


def test_a_persons_address_stays_a_third_partys(rules: Rules) -> None:
    body = "Frågor mejlas till karin.sjoberg@ekby-hamn.example i första hand."
    assert holder(body, "karin.sjoberg@ekby-hamn.example", rules) == THIRD_PARTY
