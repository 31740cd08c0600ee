"""Social-security and health-insurance numbers of DE/AT/CH/NO/FI: check digits, and a context
word where a bare digit run could be anything. Values are invented (valid check digits)."""

from __future__ import annotations

import pytest

from bridge.recognizers.social_security import (
    at_svnr_valid,
    ch_ahv_valid,
    de_kvnr_valid,
    de_svnr_valid,
    fi_hetu_valid,
    no_fnr_valid,
)
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of


@pytest.mark.parametrize(
    "check, good, bad",
    [
        (de_svnr_valid, "15 070649 C 103", "15 070649 C 104"),
        (de_svnr_valid, "53120788K046", "53123288K046"),  # day 32 is no date
        (de_kvnr_valid, "A123456780", "A123456781"),
        (at_svnr_valid, "1237 010180", "1238 010180"),
        (ch_ahv_valid, "756.9217.0769.85", "756.9217.0769.86"),
        (ch_ahv_valid, "7564182036576", "7574182036576"),  # the country prefix is 756
        (no_fnr_valid, "23087431266", "23087431267"),
        (fi_hetu_valid, "131052-308T", "131052-308U"),
    ],
)
def test_the_check_digit_decides(check, good: str, bad: str) -> None:  # type: ignore[no-untyped-def]
    assert check(good) and not check(bad)


CASES: list[tuple[str, str, str, str | set[str] | None]] = [
    # a birth date, a letter and a check digit: found without a context word
    ("de", "DE_SVNR", "Bitte bei Frau Kaya die 53 120788 K 046 eintragen.", "53 120788 K 046"),
    ("en", "DE_SVNR", "Her German number 53120788K046 is missing in the export.", "53120788K046"),
    ("de", "DE_SVNR", "Die 53 120788 K 047 wurde abgelehnt.", None),  # bad check digit
    # one letter and nine digits: only with a word that names it
    ("de", "DE_KVNR", "Krankenversichertennummer B482917356 fehlt bei Herrn Lenz.", "B482917356"),
    ("de", "DE_KVNR", "Artikel B482917356 ist nicht lieferbar.", None),
    # Austria: ten digits need a word
    ("de", "AT_SVNR", "SV-Nummer 4723 150385 von Frau Pichler ist falsch hinterlegt.", "4723 150385"),
    ("de", "AT_SVNR", "Rufen Sie 4723 150385 an.", None),
    # Switzerland: 756 in dotted form stands alone; whatever the ticket's language
    ("de", "CH_AHV", "Herr Meier hat die 756.4182.0365.76 im Formular.", "756.4182.0365.76"),
    ("sv", "CH_AHV", "Hans schweiziska nummer 756.4182.0365.76 saknas.", "756.4182.0365.76"),
    ("de", "CH_AHV", "Auftrag 756.4182.0365.77 ist offen.", None),
    # Norway: eleven digits need a word; Finland: the century sign and check character stand alone
    ("sv", "NO_FNR", "Hennes fødselsnummer 23087431266 finns inte i systemet.", "23087431266"),
    ("en", "NO_FNR", "Order 23087431266 shipped.", None),
    ("sv", "FI_HETU", "Kollegans personbeteckning är 230874-417U enligt HR.", "230874-417U"),
]


@pytest.mark.parametrize("language, entity, text, expected", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, entity: str, text: str, expected: str | None) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)
