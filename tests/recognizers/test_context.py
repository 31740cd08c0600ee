"""Context words: where a word before (or after) a value counts, and the column header or label
line above a value in attachment text (tables, forms, CSV exports)."""

from __future__ import annotations

from bridge.findings import TextPart
from bridge.recognizers.context import ContextWords, delimited_cell
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import counted


def test_context_word_ending_in_the_window_counts_even_when_it_starts_before() -> None:
    words = ContextWords(["Steueridentifikationsnummer"])
    text = "Bitte die Steueridentifikationsnummer von Dieter Brandt korrigieren: 53140690824"
    start = text.index("5314")
    assert words.nearest_before(text, start, 40) is not None
    assert words.nearest_before(text, start, 20) is None


def test_same_line_and_same_clause() -> None:
    words = ContextWords(["date of birth"])
    log = "WARN date of birth missing\n2024-01-02"
    assert words.nearest_before(log, log.index("2024"), 45, same_line=True) is None
    label = "Date of birth:\n1984-03-12"
    assert words.nearest_before(label, label.index("1984"), 45, same_line=True) is not None
    words = ContextWords(["passport"])
    text = "The passport office was closed; ticket 533018271"
    assert words.nearest_before(text, text.index("5330"), 80, same_clause=True) is None
    text = "Passport Nr. 533018271"
    assert words.nearest_before(text, text.index("5330"), 80, same_clause=True) is not None


def test_delimited_cell_finds_the_header_of_the_column() -> None:
    text = "clock_no;date;hours\n4471;2024-03-01;7.5\n"
    i = text.index("2024")
    cell = delimited_cell(text, i, i + 10)
    assert cell is not None and cell.header == "date"
    assert delimited_cell("one line, with, commas 4471", 23, 27) is None


def test_delimited_cell_looks_past_a_markdown_separator_row_for_the_header() -> None:
    text = "| Staff no | Date of birth |\n|---|:---:|\n| 4471 | 1975-08-30 |\n"
    i = text.index("1975")
    cell = delimited_cell(text, i, i + 10)
    assert cell is not None and cell.header.strip() == "Date of birth"


def test_header_words_match_snake_case() -> None:
    words = ContextWords(["clock no", "staff id"])
    assert words.header_regex is not None
    assert words.header_regex.search("clock_no")
    assert words.header_regex.search("Staff_ID")


def test_header_words_match_with_their_hyphen_dropped_or_replaced() -> None:
    words = ContextWords(["Steuer-ID", "e-mail"])
    assert words.header_regex is not None
    for header in ("SteuerID", "steuer_id", "Steuer ID", "Steuer-ID", "Email", "E_Mail"):
        assert words.header_regex.search(header), header
    assert not words.header_regex.search("Steuerklasse")


def test_a_tax_id_under_a_header_written_without_its_hyphen_counts(scanner: Scanner, rules: Rules) -> None:
    table = "PersNr | Name | SteuerID\n1044 | Dieter Brandt | 86095742719\n"
    found = [f for f in scanner.scan([TextPart("attachment:staff.csv", table)], "de") if f.entity_type == "DE_TAX_ID"]
    assert found and found[0].score >= rules.entities["DE_TAX_ID"].threshold


def test_wildcard_context_word_loses_to_an_ignore_word_on_the_same_word(rules: Rules) -> None:
    words = ContextWords(["tel", "*nummer"])
    assert words.is_wildcard_match("Huvudnummer")
    assert not words.is_wildcard_match("tel")


def test_header_and_label_lines_give_context_in_attachments_only(scanner: Scanner, rules: Rules) -> None:
    table = "Personalregister\nAnst.nr Namn Födelsedatum\n069232 Stefan Svensson 1964-04-06\n48101 Jenny Jonsson 1992-06-08"
    in_attachment = {
        (f.entity_type, f.value)
        for f in scanner.scan([TextPart("attachment:export.pdf", table, detail="page 1")], "sv")
        if f.score >= rules.entities[f.entity_type].threshold
    }
    assert {("PERSON_CODE", "069232"), ("DATE_OF_BIRTH", "1964-04-06"), ("DATE_OF_BIRTH", "1992-06-08")} <= in_attachment
    in_body = counted(scanner, rules, table, "sv")
    # in prose only the words right before a value count: the far row gets no context
    assert ("DATE_OF_BIRTH", "1992-06-08") not in in_body
    assert not {kind for kind, _ in in_body} & {"PERSON_CODE"}


def test_header_context_skips_sentences_and_technical_numbers(scanner: Scanner, rules: Rules) -> None:
    text = "The employee cannot log in.\nat Repository.Save() in Repository.cs:line 413\nJob 5512 failed."
    found = scanner.scan([TextPart("attachment:log.txt", text)], "en")
    assert [f for f in found if f.entity_type == "PERSON_CODE"] == []


def test_phrase_matches_the_field_name_forms_of_logs_and_exports() -> None:
    words = ContextWords(["employee no"])
    for field in ("employeeNo=", "employee_no:", "EMPLOYEE-NO ", "Employee No "):
        assert words.nearest_before(field + "4471", len(field), 20) is not None, field
    # a camelCase join only from lower to upper case; a longer word is another word
    for other in ("employeeno ", "EMPLOYEENO ", "employee notes "):
        assert words.nearest_before(other + "4471", len(other), 20) is None, other
