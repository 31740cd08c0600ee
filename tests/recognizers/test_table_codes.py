"""The id column of a table of people: which cells are codes beside a full name."""

from __future__ import annotations

from bridge.recognizers.table_codes import IdHeaders, id_column_codes, normalise_header

HEADERS = IdHeaders(["nr", "#", "persnr"])


def _is_name(value: str) -> bool:
    return value.istitle() and len(value.split()) == 2


def _codes(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in id_column_codes(text, HEADERS, _is_name)]


def test_headers_compare_without_case_and_joins() -> None:
    assert normalise_header("Pers.-Nr.") == normalise_header("pers_nr") == "persnr"
    assert "PERS NR" in HEADERS and "Nr." in HEADERS and "#" in HEADERS
    assert "Order Nr" not in HEADERS


def test_labelled_cells_and_a_header_line_give_the_column() -> None:
    labelled = "Nr | Name\nNr: 3141 | Name: Vera Holt\nNr: 3142 | Name: Ivo Sand\n"
    assert _codes(labelled) == ["3141", "3142"]
    header_line = "PersNr\tName\tSaldo 31.12.\n3141\tVera Holt\t2.5\n"
    assert _codes(header_line) == ["3141"]


def test_row_counters_under_nr_are_no_codes() -> None:
    rows = "\n".join(f"{i} | Vera Holt" for i in range(1, 130))
    assert _codes("Nr | Name\n" + rows) == []


def test_a_value_needs_a_name_beside_it_not_anywhere_in_the_row() -> None:
    text = "# | Site | Hours | Name\n3141 | Depot | 7.5 | Vera Holt\n"
    assert _codes(text) == []


def test_a_table_parted_by_single_spaces_as_ocr_reads_a_scan_keys_rows_by_the_id_column() -> None:
    scan = "Antrag\n\nMitarbeiter/in Pers.-Nr. Std.\nVera Holt 40213 6\nIvo Sand 40288 8\n\nSumme 14\n"
    assert _codes(scan) == ["40213", "40288"]


def test_a_spaced_table_without_an_id_header_or_without_names_gives_no_codes() -> None:
    assert _codes("Artikel Menge Preis\nVera Holt 40213 6\n") == []
    assert _codes("Filiale Nr Std.\nnord-ost 40213 6\n") == []
    # a blank line ends the table: a name and number below it are no row of it
    assert _codes("Name Nr Std.\n\nVera Holt 40213 6\n") == []
