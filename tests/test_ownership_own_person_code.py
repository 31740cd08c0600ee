"""A requester who calls a staff, clock or personnel number their own keeps it theirs; someone
else's number stays a third party's. All values are invented."""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.ownership import REQUESTER, THIRD_PARTY, holder_of
from bridge.platform import Requester, Ticket
from bridge.rules import Rules


def holder(body: str, value: str, rules: Rules) -> str:
    start = body.index(value)
    finding = Finding("PERSON_CODE", "body", start, start + len(value), 1.0, "test", value=value)
    ticket = Ticket(id="1", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    return holder_of(finding, ticket, rules).holder


@pytest.mark.parametrize(
    "body, code",
    [
        ("The terminal rejects my badge. My clock number is Q40417.", "Q40417"),
        ("Note: my employee number is 700321, please check the rota.", "700321"),
        ("Terminalen godkänner inte mitt anställningsnummer 55120.", "55120"),
        ("Meine Personalnummer ist 88314, bitte prüfen.", "88314"),
    ],
)
def test_a_code_the_requester_calls_their_own_is_theirs(rules: Rules, body: str, code: str) -> None:
    assert holder(body, code, rules) == REQUESTER


@pytest.mark.parametrize(
    "body, code",
    [
        ("My colleague's clock number is Q40418, can you reset it?", "Q40418"),
        ("His employee number is 700322 and he cannot clock in.", "700322"),
        ("On my rota Tilda Brennock shows twice, staff number 700323.", "700323"),
    ],
)
def test_someone_elses_code_stays_a_third_partys(rules: Rules, body: str, code: str) -> None:
    assert holder(body, code, rules) == THIRD_PARTY
