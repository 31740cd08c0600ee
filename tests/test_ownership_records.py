"""One record is one person's: in a table row or a file name whose only name is the
requester's, the other values are the requester's too."""

from __future__ import annotations

from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner
from bridge.findings import TextPart

TICKET = Ticket(id="1", platform="test", subject="Schedule export", body="See the export attached.",
                requester=Requester(name="Dana Whitlock", email="dana.whitlock@example.com"))
HEADER = "Name | Clock | Mobile\n"


def judge(scanner: Scanner, rules: Rules, table: str) -> str:
    parts = [TextPart("subject", TICKET.subject), TextPart("body", TICKET.body),
             TextPart("attachment:staff.csv", table)]
    return decide(scanner.scan(parts, "en"), TICKET, rules, []).action


def test_the_requesters_own_row_in_a_staff_table_is_theirs(scanner: Scanner, rules: Rules) -> None:
    assert judge(scanner, rules, HEADER + "Dana Whitlock | 4410 | 07700 900461\n") == "none"


def test_a_colleagues_row_beside_the_requesters_row_still_counts(scanner: Scanner, rules: Rules) -> None:
    table = HEADER + "Dana Whitlock | 4410 | 07700 900461\nMorgan Treadwell | 4411 | 07700 900462\n"
    assert judge(scanner, rules, table) == "delete"


CONTACTS = ("Name | Phone\n"
            "Name: Reception | Phone: 0113 496 0000\n"
            "Name: Växel | Phone: 08-120 400 00\n"
            "Name: Zentrale | Phone: +49 421 369400\n")


def test_organisation_rows_of_a_contact_table_are_the_organisations(scanner: Scanner, rules: Rules) -> None:
    assert judge(scanner, rules, CONTACTS) == "none"


def test_a_persons_row_under_the_organisation_rows_still_counts(scanner: Scanner, rules: Rules) -> None:
    assert judge(scanner, rules, CONTACTS + "Name: Morgan Treadwell | Phone: 07700 900462\n") == "delete"


SIGNED = ("Hi,\n\nthe export attached fails to import.\n\nThanks\nDana\nDana Whitlock | Rota Lead\n"
          "Mobile: 07700 900461\nd.whitlock84@gmail.com\n")


def judge_signed(scanner: Scanner, rules: Rules, attachment: str) -> str:
    ticket = Ticket(id="2", platform="test", subject="Import fails", body=SIGNED, requester=TICKET.requester)
    parts = [TextPart("subject", ticket.subject), TextPart("body", ticket.body), TextPart("attachment:job.txt", attachment)]
    return decide(scanner.scan(parts, "en"), ticket, rules, []).action


def test_the_requesters_own_number_from_their_signature_is_theirs_in_an_attachment(scanner: Scanner, rules: Rules) -> None:
    assert judge_signed(scanner, rules, "Escalation contact: +44 7700 900461\nBackup: d.whitlock84@gmail.com\n") == "none"


def test_another_number_in_the_attachment_still_counts(scanner: Scanner, rules: Rules) -> None:
    assert judge_signed(scanner, rules, "Escalation contact: 07700 900461\nBackup: 07700 900462\n") == "delete"
