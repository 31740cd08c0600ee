"""Person codes (clock numbers, staff numbers) after their words or in their column.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.extract.csvtext import rows_to_text
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, counted, found_of

ENTITY = "PERSON_CODE"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # person codes (context right before; or a number in brackets after a full name)
    ("en", "The employee with person code 1579 cannot clock in.", "1579"),
    ("sv", "Den anställda med klocknummer 7114 syns inte.", "7114"),
    ("de", "Der Benutzer mit Personalnummer 010172 ist gesperrt.", "010172"),
    ("en", "Agent Tammy Diaz (025746) has no recordings.", "025746"),
    ("en", "The employee waited 120 minutes for a reply.", None),
    # abbreviated Swedish staff-number word
    ("sv", "Exempel: anst.nummer 2791 saknar stämplingar.", "2791"),
    # a German staff badge number is a person code (not a passport)
    ("de", "Ausweisnummer 652516 sieht seine Schichten nicht.", {"652516"}),
    # a letter prefix and a dash, or two digit groups joined by a dash
    ("en", "Please merge person code QT-0593 into the new profile.", {"QT-0593"}),
    ("de", "Die Personalnummer ZKR-00417 fehlt im Export.", {"ZKR-00417"}),
    ("sv", "Den anställda med anst.nr 47-2195 saknar schema.", {"47-2195"}),
    ("de", "Gestern bei Jonas Riedel (P-7710) die Gehen-Zeit korrigiert.", {"P-7710"}),
    # field names of logs: camelCase, snake_case
    ("en", "sync failed: employeeNo=RB-00913 field=mail reason=DUPLICATE", {"RB-00913"}),
    ("en", "import row rejected: staff_id=HT-2284 status=inactive", {"HT-2284"}),
    # technical values after a person-code word stay out: dates, month and year, times, versions
    ("en", "Employee id 2026-11-02 was shown instead of the code.", None),
    ("en", "The agent report 11-2026 is empty.", None),
    ("en", "Clock no 08:30-16:00 shift is missing.", None),
    ("en", "The employee app v-2.4.1 crashes.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


# CSV exports: snake_case headers, comma and semicolon separators, the column decides
CSV_CASES = [
    ("en", "clock_no,date,hours,cost_centre,error\n4471,2024-03-01,7.5,CC102,\n2323,2024-03-01,10.25,CC682,HTTP 500\n4507,2024-03-02,8.5,CC227,\n",
     {"4471", "2323", "4507"}),
    ("en", "staff_id;date;hours\n88123;12 March;7.5\n", {"88123"}),
    ("en", "employee_no,name,hours\n004512,Jo Smith,7.5\n", {"004512"}),
    ("sv", "clock_no;datum;timmar;kostnadsställe;fel\n007410;5 april;5.5;CC742;0x80073CD4\n7747;5 april;8.75;CC325;\n",
     {"007410", "7747"}),
    ("sv", "anstnr,datum,timmar\n5512,2024-03-01,7.5\n", {"5512"}),
    ("de", "personalnr;Datum;Stunden\n19214;09.01.2024;6.0\n", {"19214"}),
    ("de", "person_code,Datum,Stunden\n19215,09.01.2024,6.0\n", {"19215"}),
    # no person-code column: nothing
    ("en", "timestamp,level,host,code,message\n2025-01-16T18:29:02.020,WARN,gw12,E2656,Certificate expires\n", set()),
    ("en", "order_no,date,qty\n4471,2024-03-01,7\n", set()),
    ("en", "job,code,status\njob-905,E9710,ok\n", set()),
]


@pytest.mark.parametrize("language, text, expected", CSV_CASES, ids=[f"csv-{c[0]}-{i}" for i, c in enumerate(CSV_CASES)])
def test_csv_person_code_column(scanner: Scanner, rules: Rules, language: str, text: str, expected: set[str]) -> None:
    found = {value for kind, value in counted(scanner, rules, text, language, "attachment:export.csv") if kind == "PERSON_CODE"}
    assert found == expected


def test_csv_in_the_body_is_not_read_by_column(scanner: Scanner, rules: Rules) -> None:
    # the body is prose, not an export: no column headers there
    text = "clock_no,date,hours\n4471,2024-03-01,7.5\n"
    assert not {v for k, v in counted(scanner, rules, text, "en") if k == "PERSON_CODE"}


# Tables in attachments: an id column ("Nr", "#", "PersNr") beside a full name in the same row
ROSTER_ROWS = [["4417", "Greta Lindqvist", "31.5", "-2.25"], ["4452", "Paul Wendt", "12", "0"]]


@pytest.mark.parametrize("header", ["Nr", "Nr.", "#", "ID", "Pers", "PersNr", "Emp No"])
def test_code_in_an_id_column_beside_a_full_name_counts(scanner: Scanner, rules: Rules, header: str) -> None:
    text = rows_to_text([[header, "Name", "Hours", "Balance"], *ROSTER_ROWS])
    found = {v for k, v in counted(scanner, rules, text, "en", "attachment:roster.xlsx") if k == ENTITY}
    assert found == {"4417", "4452"}


def test_id_column_counts_when_another_header_names_a_date(scanner: Scanner, rules: Rules) -> None:
    # a header cell with digits ("Saldo 30.09.") keeps the rows unlabelled: the first line is the header
    text = rows_to_text([["Nr", "Name", "Saldo 30.09.", "Saldo 31.10."], ["2291", "Oskar Brandl", "4.5", "-3.75"]])
    found = {v for k, v in counted(scanner, rules, text, "de", "attachment:salden.xlsx") if k == ENTITY}
    assert found == {"2291"}


def test_id_column_beside_first_and_last_name_cells_counts(scanner: Scanner, rules: Rules) -> None:
    text = "No | First name | Last name | Shift\n7730 | Maren | Falk | early\n7731 | Jonas | Riedel | late\n"
    found = {v for k, v in counted(scanner, rules, text, "en", "attachment:rota.docx") if k == ENTITY}
    assert found == {"7730", "7731"}


@pytest.mark.parametrize(
    "rows",
    [
        # amounts, hours and balances are no codes, whatever the column
        [["Name", "Hours", "Amount"], ["Greta Lindqvist", "1250", "3310"]],
        # a row counter under "Nr"
        [["Nr", "Name", "Hours"], *[[str(i), f"Person{i}", "7.5"] for i in range(1, 5)], ["6", "Paul Wendt", "8"]],
        # an id-like header not of a person (invoice, order) beside a customer's name
        [["Invoice no", "Customer", "Total"], ["88412", "Greta Lindqvist", "120.50"]],
        # an id column without a name in the row
        [["ID", "Cost centre", "Hours"], ["5512", "KST 410", "7.5"]],
        # a decimal or signed value under "Nr"
        [["Nr", "Name"], ["-4417", "Greta Lindqvist"], ["4417.5", "Paul Wendt"]],
    ],
    ids=["amounts", "row-counter", "invoice", "no-name", "signed-decimal"],
)
def test_numbers_of_a_table_that_are_no_codes_stay_out(scanner: Scanner, rules: Rules, rows: list[list[str]]) -> None:
    text = rows_to_text(rows)
    assert not {v for k, v in counted(scanner, rules, text, "en", "attachment:sheet.xlsx") if k == ENTITY}


def test_id_column_of_a_table_pasted_in_the_body_counts(scanner: Scanner, rules: Rules) -> None:
    body = "Hi,\n\nthese two:\n\nNr | Name | Hours\n6120 | Greta Lindqvist | 7.5\n6134 | Paul Wendt | 8\n\nThanks\nAnn\n"
    assert {v for k, v in counted(scanner, rules, body, "en") if k == ENTITY} == {"6120", "6134"}
