"""Person codes (clock numbers, staff numbers) after their words or in their column.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

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
