"""Register lines of any country and regional closings: a footer's office address is no one's private address."""

from __future__ import annotations

import pytest

from bridge.structure import markers, read_structure
from bridge.structure.parts import LEGAL_FOOTER, SIGNATURE


@pytest.mark.parametrize(
    "line",
    [
        "Brackwater Foods DAC | Registered in Ireland No. 604417 | Unit 9, Quarry Park, Dublin 22",
        "Registered in Northern Ireland, company number NI661203",
        "Registered in Wales No. 09912345",
        "Hollin Housing Ltd, Registered Society No. R07712, 5 Mill Lane, Newry BT34 9ZZ",
        "Registered Charity No. 1198877",
        "Company Registration No. 07773311",
        "Registernummer 4410-22",
        "Firmenbuch FN 512233 k, Handelsgericht Wien",
        "UID: CHE-123.456.789 MWST",
        "Registered in Portugal under number 509999001",
    ],
)
def test_a_register_line_of_any_country_is_a_legal_footer(line: str) -> None:
    assert markers.legal_footer(line) is not None


@pytest.mark.parametrize(
    "line",
    ["The device is registered in the portal since Monday.", "I registered in time for the course."],
)
def test_registered_in_a_lower_case_place_is_no_register(line: str) -> None:
    assert markers.legal_footer(line) is None


@pytest.mark.parametrize("closing", ["Go raibh maith agat,", "Le meas,", "Diolch yn fawr,"])
def test_an_irish_or_welsh_closing_starts_the_signature(closing: str) -> None:
    text = f"Hello,\n\nthe scanner at the dock is offline again.\n\n{closing}\nAoife\nShift Lead, Dock 3\n"
    assert read_structure(text, False).part_at(text.index("Shift Lead")) == SIGNATURE


def test_the_address_after_a_register_number_stands_in_the_footer() -> None:
    text = ("Hi,\n\nplease reset the kiosk.\n\nThanks\nBrid Nolan\nStore Lead\n"
            "Brackwater Foods DAC | Registered in Ireland No. 604417 | Unit 9, Quarry Park, Dublin 22")
    assert read_structure(text, False).part_at(text.index("Unit 9")) == LEGAL_FOOTER
