"""An address on a company's letterhead line (its name with a legal-form suffix stands before it
on the same line) is the organisation's. All values are invented."""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.ownership import ORGANISATION, THIRD_PARTY, holder_of
from bridge.platform import Requester, Ticket
from bridge.rules import Rules


def holder(body: str, value: str, rules: Rules) -> str:
    start = body.index(value)
    finding = Finding("STREET_ADDRESS", "body", start, start + len(value), 1.0, "test", value=value)
    ticket = Ticket(id="1", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    return holder_of(finding, ticket, rules).holder


@pytest.mark.parametrize(
    "body, address",
    [
        ("Please invoice Hollin Housing Ltd, Society No. R07712, 5 Mill Lane, Newry BT34 9ZZ as usual.",
         "5 Mill Lane, Newry BT34 9ZZ"),
        ("Brackwater Foods DAC | Unit 9, Quarry Park, Dublin 22", "Unit 9, Quarry Park, Dublin 22"),
    ],
)
def test_an_address_on_a_companys_letterhead_line_is_the_organisations(rules: Rules, body: str, address: str) -> None:
    assert holder(body, address, rules) == ORGANISATION


def test_a_person_word_on_the_line_keeps_the_address_a_third_partys(rules: Rules) -> None:
    body = "Hollin Housing Ltd, tenant's home: 5 Mill Lane, Newry BT34 9ZZ."
    assert holder(body, "5 Mill Lane, Newry BT34 9ZZ", rules) == THIRD_PARTY
