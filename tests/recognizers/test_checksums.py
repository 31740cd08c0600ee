"""Check-digit algorithms: valid and invalid numbers for each identifier type."""

from __future__ import annotations

import pytest

from bridge.recognizers.checksums import (
    de_tax_id_valid,
    luhn_valid,
    nhs_valid,
    payment_card_valid,
    se_personnummer_valid,
    uk_nino_valid,
    us_ssn_valid,
)


@pytest.mark.parametrize(
    "number, valid",
    [
        ("811218-9876", True),  # Skatteverket's example personnummer
        ("8112189876", True),
        ("19811218-9876", True),
        ("198112189876", True),
        ("811218+9876", True),  # over 100 years old
        ("811218-9875", False),  # Luhn fails
        ("811318-9876", False),  # month 13
        ("701063-2391", True),  # samordningsnummer: day 63 = 3rd
        ("701093-2391", False),  # day 93 - 60 = 33: no such date
        ("12345", False),
    ],
)
def test_se_personnummer(number: str, valid: bool) -> None:
    assert se_personnummer_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid",
    [
        ("86095742719", True),  # the BZSt's published example
        ("47036892816", True),
        ("65929970489", True),
        ("86095742718", False),  # wrong check digit
        ("06095742719", False),  # leading zero
        ("12345678901", False),  # no digit repeated
        ("11111111111", False),
    ],
)
def test_de_tax_id(number: str, valid: bool) -> None:
    assert de_tax_id_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid",
    [("9434765919", True), ("4010232137", True), ("9434765918", False), ("123456789", False), ("943476591a", False)],
)
def test_nhs(number: str, valid: bool) -> None:
    assert nhs_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid",
    [
        ("AB123456C", True),
        ("JG 10 37 56 C", True),
        ("QQ123456C", False),  # Q is never a first letter
        ("GB123456A", False),  # administrative prefix never issued
        ("AB123456E", False),  # suffix A-D only
        ("AO123456A", False),  # O is never a second letter
    ],
)
def test_uk_nino(number: str, valid: bool) -> None:
    assert uk_nino_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid",
    [("512-44-8821", True), ("512448821", True), ("000-12-3456", False), ("666-12-3456", False), ("912-12-3456", False), ("123-00-4567", False), ("123-45-0000", False)],
)
def test_us_ssn(number: str, valid: bool) -> None:
    assert us_ssn_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid",
    [
        ("4111 1111 1111 1111", True),
        ("5555-5555-5555-4444", True),
        ("378282246310005", True),
        ("4111 1111 1111 1112", False),  # Luhn
        ("9111 1111 1111 1117", False),  # no issuer starts with 9
    ],
)
def test_payment_card(number: str, valid: bool) -> None:
    assert payment_card_valid(number) is valid


def test_luhn_basics() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7")
