"""Parts of attachment text: a document's paragraphs come one per line, with no blank line
between them, so a letterhead's register number must not make the lines below it a footer."""

from __future__ import annotations

import pytest

from bridge.structure import read_structure

LETTER = (
    "Employment certificate\n"
    "Harwick Joinery Ltd, company no. 04418827\n"
    "Employee: Rowan Pellow, born 14/03/1991\n"
    "This is to certify that Rowan Pellow has been employed by us as a joiner since 2019.\n"
    "Leeds, 20 November 2026\n"
)
INVOICE = (
    "INVOICE 2026-118\n"
    "Total due 1,240.00\n"
    "Harwick Joinery Ltd · Registered in England and Wales no. 04418827 · VAT GB 318 4422 07\n"
    "Registered office: 4 Mill Yard, Leeds LS2 7AB · accounts@harwick.example · 0113 496 0000\n"
)


def part_of(text: str, needle: str, attachment: bool = True) -> str:
    return read_structure(text, attachment).part_at(text.index(needle))


def test_lines_under_a_letterhead_with_a_register_number_are_no_footer() -> None:
    assert part_of(LETTER, "company no.") == "legal_footer"
    assert part_of(LETTER, "Rowan Pellow, born") != "legal_footer"
    assert part_of(LETTER, "Rowan Pellow has") != "legal_footer"


def test_a_documents_footer_lines_with_fields_stay_one_footer() -> None:
    assert part_of(INVOICE, "Registered in England") == "legal_footer"
    assert part_of(INVOICE, "4 Mill Yard") == "legal_footer"
    assert part_of(INVOICE, "0113 496 0000") == "legal_footer"


def test_in_a_mail_body_the_footer_is_still_its_whole_paragraph() -> None:
    body = "Hi,\n\nplease check.\n\nThanks\nRowan\n\nHarwick Joinery Ltd, company no. 04418827\nUnit 4, Mill Yard\nLeeds LS2 7AB\n"
    assert part_of(body, "Unit 4", attachment=False) == "legal_footer"


def test_a_name_line_over_an_address_in_a_document_is_no_signature() -> None:
    for text in ("Rowan Pellow\n14 Oak Road, Leeds LS1 2AB\nStart date 1 December\n",
                 "New starter\n\nRowan Pellow\n14 Oak Road\nLeeds LS1 2AB\n"):
        assert part_of(text, "14 Oak Road") == "attachment"
    # a sign-off with its closing words is still one, in a document too
    letter = "Dear Rowan,\nplease sign below.\n\nKind regards\nHarwick Payroll\n"
    assert part_of(letter, "Harwick Payroll") == "signature"
    # and in a mail body the name line near the end still starts a signature
    assert part_of("Hi,\nplease check.\n\nRowan Pellow\n0113 496 0000\n", "0113", attachment=False) == "signature"


@pytest.mark.parametrize(
    "title, payment",
    [
        ("INVOICE INV-2031-0007", "Payment: Northbank, IBAN GB33 BUKB 2020 1555 5555 55, BIC BUKBGB22"),
        ("Faktura 2031-55012", "Bankgiro 5555-1234   IBAN SE45 5000 0000 0583 9825 7466   BIC ESSESESS"),
        ("Rechnung Nr. R-2031/118", "Bankverbindung: IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX"),
    ],
)
def test_the_payment_line_of_an_invoice_is_its_issuers_footer(title: str, payment: str) -> None:
    text = f"Wexley Tools Ltd\n{title}\nBill to: Fenwold Bakeries\nTotal due 1,240.00\n{payment}\n"
    assert part_of(text, "IBAN") == "legal_footer"


def test_bank_details_in_a_document_that_is_no_invoice_stay_in_the_document() -> None:
    text = "Payslip November\nEmployee: Rowan Pellow\nNet pay 2,140.00\nPaid to IBAN GB33 BUKB 2020 1555 5555 55, BIC BUKBGB22\n"
    assert part_of(text, "IBAN") != "legal_footer"


def test_a_mail_body_with_an_invoice_title_line_keeps_its_bank_details_in_its_parts() -> None:
    text = "Invoice 2031-55\nPlease pay my colleague's IBAN GB33 BUKB 2020 1555 5555 55 today.\n"
    assert part_of(text, "IBAN", attachment=False) != "legal_footer"
