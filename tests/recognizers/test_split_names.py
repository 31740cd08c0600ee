"""A person's name split over a first-name and a last-name column: one row's two cells are a
full name, whatever the first name, and stand with the other identifiers of that row."""

from __future__ import annotations

import io

import click
import openpyxl
import pytest
from click.testing import CliRunner

from bridge.commands.detection import scan
from bridge.extract import extract_attachment
from bridge.extract.limits import AttachmentLimits
from bridge.findings import Finding, TextPart
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.recognizers.split_names import BESIDE, FIRST, LAST, NOTE, SplitNameColumns
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.conftest import SHIPPED_RULES
from tests.fixtures.extract import builders as b

LIMITS = AttachmentLimits(timeout_seconds=30)


@pytest.fixture(scope="module")
def columns(rules: Rules) -> SplitNameColumns:
    split = rules.entities["PERSON"].options["split_name_columns"]
    return SplitNameColumns(split["first"], split["last"], split["surname_beside_first"], split["placeholders"])


def persons(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.entity_type == "PERSON"]


def attachment(scanner: Scanner, filename: str, data: bytes) -> list[Finding]:
    result = extract_attachment(filename, data, LIMITS, "en")
    assert result.problem is None, result.problem
    return scanner.scan(result.parts, "en")


@pytest.mark.parametrize(
    "header, side",
    [
        ("First name", FIRST), ("first_name", FIRST), ("FirstName", FIRST), ("firstName", FIRST), ("fname", FIRST),
        ("FNAME", FIRST), ("Given name", FIRST), ("Forename", FIRST), ("Employee first name", FIRST),
        ("Förnamn", FIRST), ("Vorname", FIRST), ("Kundenvorname", FIRST),
        ("Last name", LAST), ("last_name", LAST), ("lastName", LAST), ("LastName", LAST), ("lname", LAST),
        ("Surname", LAST), ("Family name", LAST), ("Efternamn", LAST), ("Nachname", LAST), ("Familienname", LAST),
        ("Name", BESIDE), ("Namn", BESIDE),
        ("Vor- und Nachname", None), ("Name, Vorname", None), ("First and last name", None), ("Full name", None),
        ("Employee", None), ("Mitarbeiter", None), ("Last login", None), ("First seen", None), ("File name", None),
    ],
)
def test_header_cells_name_their_column(columns: SplitNameColumns, header: str, side: str | None) -> None:
    assert columns.side(header) == side


def test_csv_export_rows_are_persons_with_their_email_and_phone(scanner: Scanner, rules: Rules) -> None:
    data = (
        b"first_name,last_name,email,phone\n"
        b"Quillon,Farrowdale,q.farrowdale@mailbox-example.net,0113 496 0871\n"
        b"Ysolde,Brackenridge,ysolde.b@mailbox-example.net,0113 496 0872\n"
    )
    findings = attachment(scanner, "contacts.csv", data)
    names = {f.value: f for f in persons(findings)}
    assert set(names) == {"Quillon Farrowdale", "Ysolde Brackenridge"}
    assert all(NOTE in f.evidence for f in names.values())
    phones = {f.value: f.row for f in findings if f.entity_type == "PHONE_NUMBER"}
    assert names["Quillon Farrowdale"].row == phones["0113 496 0871"] != names["Ysolde Brackenridge"].row
    ticket = Ticket(id="t", platform="test", subject="s", body="See attached.", requester=Requester(name="Ann Lee"))
    assert decide(findings, ticket, rules, []).action == "delete"


def test_xlsx_rows_keep_totals_blank_cells_and_repeated_headers_out(scanner: Scanner) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Personal"
    for row in [
        ["Förnamn", "Efternamn", "Personnummer"],
        ["Ilvy", "Tornqvarn", "19850412-1230"],
        ["Saga", None, "19910723-4560"],
        ["Förnamn", "Efternamn", None],
        ["Totalt", "", 2],
    ]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    findings = attachment(scanner, "personal.xlsx", buffer.getvalue())
    names = persons(findings)
    assert [f.value for f in names] == ["Ilvy Tornqvarn"]
    numbers = {f.value: f.row for f in findings if f.entity_type == "SE_PERSONNUMMER"}
    assert numbers["19850412-1230"] == names[0].row


def test_xlsx_under_a_title_row_reads_the_rows_after_a_short_one(scanner: Scanner) -> None:
    data = b.xlsx_bytes({"Staff": [
        ["Staff list"],
        ["Given name", "Family name", "Mobile"],
        ["Wendeline", "Harrowgate", "07700 900211"],
        ["Osric", None, "07700 900212"],
        ["Philippa", "Thornbury-Vale", "07700 900213"],
    ]})
    assert [f.value for f in persons(attachment(scanner, "staff.xlsx", data))] == [
        "Wendeline Harrowgate", "Philippa Thornbury-Vale"]


def test_docx_table_rows_are_persons(scanner: Scanner) -> None:
    data = b.docx_bytes(
        ["Teilnehmerliste"],
        [["Nachname", "Vorname", "Personalnummer"], ["Quellmalz", "Rosalind", "P-40917"], ["", "", ""]],
        "Kopf", "Fuß",
    )
    names = persons(attachment(scanner, "liste.docx", data))
    assert [f.value for f in names] == ["Rosalind Quellmalz"]
    assert all(NOTE in f.evidence for f in names)


def test_pipe_table_in_a_body_finds_both_cells_as_one_name(scanner: Scanner, rules: Rules) -> None:
    body = (
        "Hallo,\n\nbitte für diese beiden den Zugang sperren:\n\n"
        "| Vorname | Nachname | Geburtsdatum |\n|---|---|---|\n"
        "| Odalric | Wemmersbach | 1979-11-04 |\n| Brunhild | Saalfeldt | 1983-02-17 |\n\nDanke\nAnn\n"
    )
    findings = scanner.scan([TextPart("body", body)], "de")
    names = persons(findings)
    assert [f.value for f in names] == ["Odalric Wemmersbach", "Brunhild Saalfeldt"]
    assert [body[f.start:f.end] for f in names] == ["Odalric | Wemmersbach", "Brunhild | Saalfeldt"]
    assert all(f.part == "table" for f in names)
    births = {f.value: f.row for f in findings if f.entity_type == "DATE_OF_BIRTH"}
    assert births["1979-11-04"] == names[0].row
    ticket = Ticket(id="t", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    assert decide(findings, ticket, rules, []).action == "delete"


def test_columns_apart_mark_the_first_name_cell_and_value_the_full_name(scanner: Scanner) -> None:
    body = (
        "Please check these accounts:\n\n"
        "First name\tEmail\tSurname\n"
        "Marisol\tm.x@mailbox-example.net\tVantongeren\n"
        "Teodor\tt.y@mailbox-example.net\tGallowglass\n"
    )
    names = persons(scanner.scan([TextPart("body", body)], "en"))
    assert [f.value for f in names] == ["Marisol Vantongeren", "Teodor Gallowglass"]
    assert [body[f.start:f.end] for f in names] == ["Marisol", "Teodor"]


def test_a_name_column_beside_a_first_name_column_holds_the_surname(scanner: Scanner) -> None:
    body = "Liste:\n\nName;Vorname;Abteilung\nKessendorf;Irmelin;Einkauf\nRautmann;Gerolf;Lager\n"
    names = persons(scanner.scan([TextPart("body", body)], "de"))
    assert [f.value for f in names] == ["Irmelin Kessendorf", "Gerolf Rautmann"]


def test_a_whole_name_column_is_read_as_before(scanner: Scanner) -> None:
    body = "Hi,\n\nName | Team | Phone\nTom Hale | Support | 0113 496 0123\nAmy Reid | Sales | 0113 496 0124\n"
    names = persons(scanner.scan([TextPart("body", body)], "en"))
    assert [f.value for f in names] == ["Tom Hale", "Amy Reid"]
    assert all(NOTE not in f.evidence for f in names)


def test_capitalised_cells_of_other_columns_are_no_names(scanner: Scanner) -> None:
    body = "Status:\n\nSystem | Owner team | State\nPayroll | Finance | Down\nRota | Operations | Up\n"
    assert persons(scanner.scan([TextPart("body", body)], "en")) == []


def test_the_requesters_own_split_name_does_not_count(scanner: Scanner, rules: Rules) -> None:
    body = "My details:\n\nFirst name | Last name | Mobile\nNerissa | Caldwater | 07700 900461\n"
    findings = scanner.scan([TextPart("body", body)], "en")
    ticket = Ticket(id="t", platform="test", subject="s", body=body, requester=Requester(name="Nerissa Caldwater"))
    decision = decide(findings, ticket, rules, [])
    name = next(f for f in decision.findings if f.entity_type == "PERSON")
    assert name.value == "Nerissa Caldwater" and name.excluded


def test_scan_explain_says_why(cli: click.Group) -> None:
    body = (
        "Hi,\n\nplease give these two access to the rota:\n\n| First name | Last name | Mobile |\n|---|---|---|\n"
        "| Xantheia | Polgrove | 07700 900123 |\n| Bertil | Ruskvist | 07700 900124 |\n\nThanks\nAnn\n"
    )
    result = CliRunner().invoke(cli, ["scan", "--rules", str(SHIPPED_RULES), "--explain", "-"], input=body)
    assert "why: " + NOTE in result.output


@pytest.fixture()
def cli() -> click.Group:
    group = click.Group()
    group.add_command(scan)
    return group
