"""Social-security and health-insurance numbers of the bridge's countries' neighbours, each
with its check digit: German Rentenversicherungsnummer (DE_SVNR) and Krankenversichertennummer
(DE_KVNR), Austrian Sozialversicherungsnummer (AT_SVNR), Swiss AHV number (CH_AHV),
Norwegian fødselsnummer (NO_FNR) and Finnish henkilötunnus (FI_HETU).

Scores follow how much a random string could pass: a number that carries a real birth date,
a letter and a check digit (DE_SVNR, FI_HETU) or a fixed country prefix and a check digit in
its usual dotted form (CH_AHV) stands without a context word; a bare run of digits with one
check digit (AT_SVNR, DE_KVNR, NO_FNR) needs one (rules.yaml: entities.<TYPE>.context).
"""

from __future__ import annotations

import re

from bridge.recognizers.base import DIGIT, RegexRecognizer
from bridge.recognizers.checksums import digits_of, valid_date

_BEFORE = r"(?<![\w.,/+-])"
_AFTER = r"(?![\w/]|[.,-]\d)"


def _letter_number(letter: str) -> str:
    return f"{ord(letter.upper()) - ord('A') + 1:02d}"


def _cross_sum(n: int) -> int:
    return sum(int(d) for d in str(n))


def _two_digit_year_date(dd: int, mm: int, yy: int) -> bool:
    return valid_date(1900 + yy, mm, dd) or valid_date(2000 + yy, mm, dd)


def de_svnr_valid(text: str) -> bool:
    """Rentenversicherungsnummer: area (2) + birth date DDMMYY + birth-name initial + serial (2) +
    check digit; the letter counts as its two-digit alphabet position, weights 2121257121 21,
    cross sums of the products, mod 10."""
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"\d{8}[A-Z]\d{3}", compact):
        return False
    dd, mm, yy = int(compact[2:4]), int(compact[4:6]), int(compact[6:8])
    if not (_two_digit_year_date(dd, mm, yy) or (dd > 50 and _two_digit_year_date(dd - 50, mm, yy))):
        return False
    digits = compact[:8] + _letter_number(compact[8]) + compact[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(_cross_sum(int(d) * w) for d, w in zip(digits, weights))
    return total % 10 == int(compact[11])


def de_kvnr_valid(text: str) -> bool:
    """Krankenversichertennummer: a letter and nine digits; the letter as 01-26, then the first
    eight digits, weights 1212..., cross sums, mod 10 is the ninth digit."""
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]\d{9}", compact):
        return False
    digits = _letter_number(compact[0]) + compact[1:9]
    total = sum(_cross_sum(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits))
    return total % 10 == int(compact[9])


def at_svnr_valid(text: str) -> bool:
    """Austrian Sozialversicherungsnummer: serial (3) + check digit + birth date DDMMYY;
    weights 3 7 9 _ 5 8 4 2 1 6, mod 11 (a sum leaving 10 is never issued). Dates of people
    registered without a known birthday may carry a month 13-15, accepted."""
    number = digits_of(text)
    if len(number) != 10 or number[0] == "0":
        return False
    dd, mm = int(number[4:6]), int(number[6:8])
    if not (1 <= dd <= 31 and 1 <= mm <= 15):
        return False
    weights = (3, 7, 9, 0, 5, 8, 4, 2, 1, 6)
    check = sum(int(d) * w for d, w in zip(number, weights)) % 11
    return check != 10 and check == int(number[3])


def ch_ahv_valid(text: str) -> bool:
    """Swiss AHV/AVS number: 756 + nine digits + an EAN-13 check digit."""
    number = digits_of(text)
    if len(number) != 13 or not number.startswith("756"):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(number[:12]))
    return (10 - total % 10) % 10 == int(number[12])


def no_fnr_valid(text: str) -> bool:
    """Norwegian fødselsnummer / D-nummer: DDMMYY + individual number (3) + two mod-11 checks."""
    number = digits_of(text)
    if len(number) != 11:
        return False
    dd, mm, yy = int(number[:2]), int(number[2:4]), int(number[4:6])
    if dd > 40:
        dd -= 40  # D-nummer
    if not _two_digit_year_date(dd, mm, yy):
        return False
    values = [int(d) for d in number]
    k1 = 11 - sum(v * w for v, w in zip(values, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(v * w for v, w in zip(values, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and k1 == values[9] and k2 == values[10]


_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURY = {"+": 1800, "-": 1900, "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000,
                 "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}


def fi_hetu_valid(text: str) -> bool:
    """Finnish henkilötunnus: DDMMYY, a century sign, an individual number (3) and a mod-31 check character."""
    value = text.strip().upper()
    if len(value) != 11 or value[6] not in _HETU_CENTURY or not (value[:6] + value[7:10]).isdigit():
        return False
    dd, mm, yy = int(value[:2]), int(value[2:4]), int(value[4:6])
    if not valid_date(_HETU_CENTURY[value[6]] + yy, mm, dd):
        return False
    return _HETU_CHECK[int(value[:6] + value[7:10]) % 31] == value[10]


class DeSvnrRecognizer(RegexRecognizer):
    """"12 150380 M 123", "12150380M123": a birth date, a letter and a check digit."""

    ENTITY = "DE_SVNR"
    TRIGGER = DIGIT
    PATTERN = re.compile(_BEFORE + r"(?P<v>\d{2} ?\d{6} ?[A-Za-z] ?\d{2} ?\d)" + _AFTER)

    def validate(self, value: str) -> bool:
        return de_svnr_valid(value)

    def base_score(self, value: str) -> float:
        return 0.65


class DeKvnrRecognizer(RegexRecognizer):
    """"A123456780": one letter and nine digits with a check digit; many article and order
    numbers have that shape, so a context word must name it."""

    ENTITY = "DE_KVNR"
    TRIGGER = DIGIT
    PATTERN = re.compile(r"(?<![\w./+-])(?P<v>[A-Z] ?\d{3} ?\d{3} ?\d{3})" + _AFTER)
    NEEDS_CONTEXT = True

    def validate(self, value: str) -> bool:
        return de_kvnr_valid(value)

    def base_score(self, value: str) -> float:
        return 0.4


class AtSvnrRecognizer(RegexRecognizer):
    """"1237 010180": a serial with its check digit, then the birth date."""

    ENTITY = "AT_SVNR"
    TRIGGER = DIGIT
    PATTERN = re.compile(_BEFORE + r"(?P<v>\d{4} ?\d{6})" + _AFTER)

    def validate(self, value: str) -> bool:
        return at_svnr_valid(value)

    def base_score(self, value: str) -> float:
        return 0.45 if " " in value else 0.3


class ChAhvRecognizer(RegexRecognizer):
    """"756.1234.5678.97": the country prefix 756 and an EAN-13 check digit."""

    ENTITY = "CH_AHV"
    TRIGGER = DIGIT
    PATTERN = re.compile(_BEFORE + r"(?P<v>756(?:[. ]?\d{4}){2}[. ]?\d{2})" + _AFTER)

    def validate(self, value: str) -> bool:
        return ch_ahv_valid(value)

    def base_score(self, value: str) -> float:
        return 0.7 if "." in value or " " in value else 0.45


class NoFnrRecognizer(RegexRecognizer):
    """"010180 12345": a birth date and two check digits."""

    ENTITY = "NO_FNR"
    TRIGGER = DIGIT
    PATTERN = re.compile(_BEFORE + r"(?P<v>\d{6} ?\d{5})" + _AFTER)

    def validate(self, value: str) -> bool:
        return no_fnr_valid(value)

    def base_score(self, value: str) -> float:
        return 0.45 if " " in value else 0.35


class FiHetuRecognizer(RegexRecognizer):
    """"131052-308T": a birth date, a century sign and a check character."""

    ENTITY = "FI_HETU"
    TRIGGER = DIGIT
    PATTERN = re.compile(r"(?<![\w.,/+-])(?P<v>\d{6}[-+A-FU-Y]\d{3}[0-9A-Y])(?![\w/])")

    def validate(self, value: str) -> bool:
        return fi_hetu_valid(value)

    def base_score(self, value: str) -> float:
        return 0.7
