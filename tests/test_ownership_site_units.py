"""A work site, a building block or a care home's ward or unit standing before an address makes
it the site's, also after an abbreviation such as "kv." or "avd.". All values are invented."""

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
        ("På arbetsplatsen kv. Tranan (Skolvägen 12, Piteå) fungerar inte läsaren.", "Skolvägen 12, Piteå"),
        ("Bygget i kvarteret Svalan, Ringvägen 7, 931 30 Skellefteå saknar stämplingar.", "Ringvägen 7, 931 30 Skellefteå"),
        ("Die Baustelle Nordpark (Hafenstraße 21, 24103 Kiel) hat kein Netz.", "Hafenstraße 21, 24103 Kiel"),
        ("Vi har flyttat avdelningen till \"Ekbacken avd. 3\" (Ekbacksvägen 9, 702 15 Örebro).",
         "Ekbacksvägen 9, 702 15 Örebro"),
        ("Der Wohnbereich 2 zieht in die Lindenallee 5, 04109 Leipzig um.", "Lindenallee 5, 04109 Leipzig"),
        ("The ward moved to 14 Orchard Road, Leeds LS6 2QT last week.", "14 Orchard Road, Leeds LS6 2QT"),
    ],
)
def test_an_address_after_a_site_or_ward_is_the_organisations(rules: Rules, body: str, address: str) -> None:
    assert holder(body, address, rules) == ORGANISATION


def test_a_residents_address_on_a_ward_stays_a_third_partys(rules: Rules) -> None:
    body = "On the ward, her home address is 14 Orchard Road, Leeds LS6 2QT."
    assert holder(body, "14 Orchard Road, Leeds LS6 2QT", rules) == THIRD_PARTY
