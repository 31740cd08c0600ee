"""Functional mailboxes named by their display names, contact lines under a team's sign-off,
and plural or inflected function words in local parts are the organisation's."""

from __future__ import annotations

import pytest

from bridge.ownership import ORGANISATION, REQUESTER, THIRD_PARTY, holder_of
from bridge.rules import Rules
from tests.test_ownership import finding_in, ticket


@pytest.mark.parametrize(
    "line, address, holder",
    [
        ("Cc: Examinations Office <examinations@uni-north.example>", "examinations@uni-north.example", ORGANISATION),
        ("To: IT Service Desk <itsd@uni-north.example>", "itsd@uni-north.example", ORGANISATION),
        ("Från: Lönecenter Region Nord <lc@region-nord.example>", "lc@region-nord.example", ORGANISATION),
        ("Till: Vårdcentralen Ekbacken <vc.ekbacken@region-nord.example>", "vc.ekbacken@region-nord.example", ORGANISATION),
        ("Kopia: Tandvården Söder <tv.soder@region-nord.example>; Kundtjänst <kt@example.se>", "kt@example.se", ORGANISATION),
        ("Von: Bürgerbüro Talstadt <bb@talstadt.example>", "bb@talstadt.example", ORGANISATION),
        ("To: Quillfeather, Wendy <wq@uni-north.example>", "wq@uni-north.example", THIRD_PARTY),
        ("To: Wendy from Support <wq@uni-north.example>", "wq@uni-north.example", THIRD_PARTY),
        ("Cc: Support Office <wendy.quill@uni-north.example>", "wendy.quill@uni-north.example", THIRD_PARTY),
    ],
)
def test_a_header_display_name_that_names_no_person_is_a_functions_mailbox(
    rules: Rules, line: str, address: str, holder: str
) -> None:
    body = f"Hi,\n\nsee below.\n\nBo\n\nFrom: Bo Tennant <bo.t@uni-north.example>\nSent: 3 August 2026 10:00\n{line}\nSubject: exam dates\n\nplease check.\n"
    found = finding_in(body, "EMAIL_ADDRESS", address)
    assert holder_of(found, ticket(body, name="Bo Tennant"), rules).holder == holder


@pytest.mark.parametrize(
    "signoff, value, kind",
    [
        ("> Kind regards,\n> Larkspur Support Team\n> help@larkspur.example | +44 20 7946 0877", "+44 20 7946 0877", "PHONE_NUMBER"),
        ("> Mit freundlichen Grüßen\n> Ihr Lohnbüro-Team\n> Tel. 0711 5550 4411", "0711 5550 4411", "PHONE_NUMBER"),
        ("> Med vänlig hälsning\n> Ekonomiavdelningen\n> 08-555 120 40", "08-555 120 40", "PHONE_NUMBER"),
        ("> Best regards,\n> Brightmoor Ltd\n> +44 161 496 0555", "+44 161 496 0555", "PHONE_NUMBER"),
    ],
)
def test_contact_lines_under_a_teams_sign_off_in_quoted_mail_are_the_organisations(
    rules: Rules, signoff: str, value: str, kind: str
) -> None:
    body = f"Thanks, works now.\n\nBo\n\nOn Mon, 3 Aug 2026 at 10:00, Helpdesk <hd@example.com> wrote:\n> Fixed.\n>\n{signoff}\n"
    found = finding_in(body, kind, value)
    assert holder_of(found, ticket(body, name="Bo Tennant"), rules).holder == ORGANISATION


def test_contact_lines_under_a_persons_sign_off_in_quoted_mail_stay_a_third_partys(rules: Rules) -> None:
    body = "Thanks.\n\nBo\n\nOn Mon, 3 Aug 2026 at 10:00, Helpdesk <hd@example.com> wrote:\n> Fixed.\n>\n> Kind regards,\n> Wendy Quill\n> +44 7700 900 431\n"
    found = finding_in(body, "PHONE_NUMBER", "+44 7700 900 431")
    assert holder_of(found, ticket(body, name="Bo Tennant"), rules).holder == THIRD_PARTY


@pytest.mark.parametrize(
    "address",
    ["pensions@tallow-works.example", "payrolls@tallow-works.example", "kontakte@tallow-works.example",
     "personalamt@talstadt.example", "ordnungsamt@talstadt.example", "buergerbuero@talstadt.example",
     "rathaus@talstadt.example", "kommunen@ekby.example", "vardcentralen@region-nord.example",
     "kundtjanst@ekby.example"],
)
def test_plural_inflected_and_public_office_words_make_a_functions_mailbox(rules: Rules, address: str) -> None:
    body = f"The notice came from {address} yesterday.\n"
    found = finding_in(body, "EMAIL_ADDRESS", address)
    assert holder_of(found, ticket(body, name="Bo Tennant"), rules).holder == ORGANISATION


@pytest.mark.parametrize("address", ["annika.rathaus@talstadt.example", "tim.stadt@talstadt.example"])
def test_a_first_name_beside_an_office_word_keeps_a_persons_mailbox(rules: Rules, address: str) -> None:
    body = f"Please write to {address}.\n"
    found = finding_in(body, "EMAIL_ADDRESS", address)
    assert holder_of(found, ticket(body, name="Bo Tennant"), rules).holder == THIRD_PARTY


def test_a_quote_header_under_the_requesters_sign_off_keeps_its_writers_address_theirs(rules: Rules) -> None:
    body = (
        "Hallo,\n\nbitte an die private Adresse schicken.\n\nDanke\nBertil\n\n"
        "Am 05.05.2026 um 18:01 schrieb Edda Kranich <edda.kr77@example.de>:\n"
        "> Kannst du das an edda.kr77@example.de schicken?\n> LG Edda\n"
    )
    requester = ticket(body, name="Bertil Ostwald", email="bertil.ostwald@firma.example")
    for n in (0, 1):
        found = finding_in(body, "EMAIL_ADDRESS", "edda.kr77@example.de", occurrence=n)
        assert holder_of(found, requester, rules).holder == THIRD_PARTY
    name = finding_in(body, "PERSON", "Bertil")
    assert holder_of(name, requester, rules).holder == REQUESTER
