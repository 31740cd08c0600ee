"""A value in brackets (or after a comma or dash) right after somebody's full name is that
person's; a person's name or possessive word near a bank account makes it a person's account;
the contact data in a table of sites is the organisation's."""

from __future__ import annotations

import pytest

from bridge.findings import Finding, TextPart
from bridge.ownership import ORGANISATION, REQUESTER, THIRD_PARTY, holder_of
from bridge.ownership.records import site_tables
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.test_ownership import finding_in, ticket

REQUESTER_NAME = "Lina Holt"


@pytest.mark.parametrize(
    "body, value",
    [
        ("I need the team calendar. Edvin Marsh (edvin.marsh@fastpost.example) covers for me while I'm away.",
         "edvin.marsh@fastpost.example"),
        ("Jag behöver kalendern. Britt Sollen (b.sollen@postlada.example) täcker upp för mig när jag är ledig.",
         "b.sollen@postlada.example"),
        ("Ich brauche den Kalender. Ottmar Weißbeck (ottmar.w77@netzpost.example) vertritt mich im Urlaub.",
         "ottmar.w77@netzpost.example"),
        ("For my leave: Gwen Tarrow, gwen.tarrow@fastpost.example, is covering my team.", "gwen.tarrow@fastpost.example"),
        ("While I'm off my cover is Rhys Calder – rhys.calder@fastpost.example – please add him.",
         "rhys.calder@fastpost.example"),
    ],
)
def test_a_value_in_brackets_after_a_third_partys_full_name_is_theirs_despite_first_person_words(
    rules: Rules, body: str, value: str,
) -> None:
    held = holder_of(finding_in(body, "EMAIL_ADDRESS", value), ticket(body, name=REQUESTER_NAME), rules)
    assert held.holder == THIRD_PARTY


@pytest.mark.parametrize(
    "body, value",
    [
        ("While I'm away you can reach me (lina.h@fastpost.example) at any time.", "lina.h@fastpost.example"),
        ("Lina Holt (lina.h@fastpost.example) – that is my private address.", "lina.h@fastpost.example"),
    ],
)
def test_the_requesters_own_name_or_me_in_front_of_their_data_keeps_it_theirs(rules: Rules, body: str, value: str) -> None:
    held = holder_of(finding_in(body, "EMAIL_ADDRESS", value), ticket(body, name=REQUESTER_NAME), rules)
    assert held.holder == REQUESTER


ACCOUNT = "NL07 WXBK 0123 4567 89"


@pytest.mark.parametrize(
    "body",
    [
        f"En av våra vårdbiträden, Jolanta Wierzba, vill ha lönen insatt på sitt utländska konto: {ACCOUNT}.",
        f"Unser Lager bittet, das Gehalt von Herrn Ostrowski auf seinem Konto gutzuschreiben: {ACCOUNT}.",
        f"One of our carers, Ines Falcao, wants the salary paid into this account: {ACCOUNT}.",
    ],
)
def test_a_persons_name_or_possessive_word_near_an_account_makes_it_a_persons(rules: Rules, body: str) -> None:
    held = holder_of(finding_in(body, "IBAN_CODE", ACCOUNT), ticket(body, name=REQUESTER_NAME), rules)
    assert held.holder == THIRD_PARTY


def test_a_company_account_after_a_company_name_stays_the_organisations(rules: Rules) -> None:
    body = f"Please pay the refund to our supplier, Linnea Bygg AB: {ACCOUNT}."
    held = holder_of(finding_in(body, "IBAN_CODE", ACCOUNT), ticket(body, name=REQUESTER_NAME), rules)
    assert held.holder == ORGANISATION


SITES = (
    "branch_code,branch_name,address,switchboard,mailbox\n"
    "B01,Wexley North Branch,12 Tanner Road Wexley WX1 2AB,01632 960 111,north.branch@wexley-shops.example\n"
    "B02,Wexley Quay Branch,7 Harbour Walk Wexley WX3 9CD,01632 960 222,quay@wexley-shops.example\n"
)
STAFF = (
    "branch,name,address,mobile,email\n"
    "Wexley North,Edvin Marsh,12 Tanner Road Wexley WX1 2AB,07700 900 311,edvin.marsh@fastpost.example\n"
)


def _judge(scanner: Scanner, rules: Rules, name: str, table: str) -> str:
    from bridge.extract.csvtext import rows_to_text
    import csv
    import io

    t = Ticket(id="1", platform="test", subject="Import", body="See the list attached.",
               requester=Requester(name=REQUESTER_NAME, email="lina.holt@wexley-shops.example"))
    text = rows_to_text(csv.reader(io.StringIO(table)))
    parts = [TextPart("subject", t.subject), TextPart("body", t.body), TextPart(f"attachment:{name}", text)]
    return decide(scanner.scan(parts, "en"), t, rules, []).action


def test_the_contact_data_in_a_table_of_sites_is_the_organisations(scanner: Scanner, rules: Rules) -> None:
    assert _judge(scanner, rules, "branches.csv", SITES) == "none"


def test_a_table_with_a_person_column_beside_a_site_column_still_counts(scanner: Scanner, rules: Rules) -> None:
    assert _judge(scanner, rules, "staff.csv", STAFF) == "delete"


def _cell(kind: str, context: str, table: int = 0) -> Finding:
    return Finding(kind, "attachment:x.csv", 0, 1, 0.9, "test", value="v", context=context, row=(table, 1),
                   holder=THIRD_PARTY)


@pytest.mark.parametrize(
    "labels, organisation",
    [
        ("Standort: Werk Süd | Telefon: ", True),
        ("Butik: Centrum | Telefon: ", True),
        ("Hotel name: Quay Hotel | Phone: ", True),
        ("Standort: Werk Süd | Ansprechpartner: Muster | Telefon: ", False),
        ("site_manager: Muster | Phone: ", False),
        ("Name: Muster | Phone: ", False),
        ("Phone: ", False),
    ],
)
def test_a_table_is_of_sites_when_a_header_names_a_site_and_none_a_person(labels: str, organisation: bool) -> None:
    phone = _cell("PHONE_NUMBER", labels + "<PHONE_NUMBER>")
    judged = site_tables([phone])[0]
    assert (judged.holder == ORGANISATION) is organisation


def test_a_cut_off_label_at_the_contexts_start_is_not_read_as_a_header() -> None:
    phone = _cell("PHONE_NUMBER", "…re_name: Quay | Site: Quay | Phone: <PHONE_NUMBER>")
    assert site_tables([phone])[0].holder == ORGANISATION
