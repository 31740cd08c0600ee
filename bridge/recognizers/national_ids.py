"""National identification numbers, each with its check digits where one exists.

Base scores: a checksum-valid number written in its usual grouped form is likely the
identifier; a bare digit run that happens to pass a checksum is not trusted without a
context word (rules.yaml: entities.<TYPE>.context).
"""

from __future__ import annotations

import re
from typing import Iterator

from bridge.recognizers.base import DIGIT, Candidate, RegexRecognizer
from bridge.recognizers.checksums import (
    de_tax_id_valid,
    digits_of,
    nhs_valid,
    se_personnummer_dated,
    se_personnummer_valid,
    uk_nino_valid,
    us_ssn_valid,
)

_NOT_GLUED_BEFORE = r"(?<![\w.,/+-])"
_NOT_GLUED_AFTER = r"(?![\w/]|[.,-]\d)"


class SePersonnummerRecognizer(RegexRecognizer):
    """Swedish personnummer and samordningsnummer: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDDNNNN (Luhn)."""

    ENTITY = "SE_PERSONNUMMER"
    TRIGGER = DIGIT
    PATTERN = re.compile(_NOT_GLUED_BEFORE + r"(?P<v>(?:\d{2})?\d{6}[-+ ]?\d{4})" + _NOT_GLUED_AFTER)

    def validate(self, value: str) -> bool:
        return se_personnummer_valid(value)

    def full_length(self, value: str) -> bool:
        return se_personnummer_dated(value)

    def base_score(self, value: str) -> float:
        if "-" in value or "+" in value:
            return 0.6
        return 0.5 if len(digits_of(value)) == 12 else 0.3


class DeTaxIdRecognizer(RegexRecognizer):
    """German Steuer-Identifikationsnummer: 11 digits, often grouped 2-3-3-3 (ISO 7064 check digit)."""

    ENTITY = "DE_TAX_ID"
    TRIGGER = DIGIT
    # 2-3-3-3 is the printed form; people regroup it as they type ("146 338 502 98")
    PATTERN = re.compile(_NOT_GLUED_BEFORE + r"(?P<v>\d{2,3}(?: \d{2,4}){2,4}|\d{11})" + _NOT_GLUED_AFTER)

    def validate(self, value: str) -> bool:
        return len(digits_of(value)) == 11 and de_tax_id_valid(digits_of(value))

    def full_length(self, value: str) -> bool:
        return len(digits_of(value)) == 11

    def base_score(self, value: str) -> float:
        return 0.45 if " " in value else 0.3


class UkNinoRecognizer(RegexRecognizer):
    """UK National Insurance number: two letters, six digits, A-D (issued prefixes only).

    The printed form (upper case, digits in pairs) counts alone. Forms typed by hand (lower or
    mixed case, "AB 123 456 C", dashes, runs of spaces) count only with a context word ("NI
    number", "NINO") in the same sentence: a hash or a part number can have that shape too.
    """

    ENTITY = "UK_NINO"
    TRIGGER = DIGIT
    PATTERN = re.compile(
        r"(?<![\w-])(?P<v>[A-Za-z]{2}(?:[ \t-]*\d{2}[ \t-]*\d{2}[ \t-]*\d{2}|[ \t-]*\d{3}[ \t-]*\d{3})[ \t-]*[A-Da-d])(?![\w-])"
    )
    PRINTED = re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]")

    def validate(self, value: str) -> bool:
        return uk_nino_valid(re.sub(r"[\s-]", "", value))

    def base_score(self, value: str) -> float:
        return 0.5

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for match in self.PATTERN.finditer(text):
            start, end = match.span("v")
            value = text[start:end]
            if not self.validate(value):
                continue
            if self.PRINTED.fullmatch(value):
                yield Candidate(start, end, self.base_score(value), "pattern and checksum")
            else:
                yield Candidate(start, end, self.base_score(value), "NINO typed by hand (case, spacing)", needs_context=True)


class UkNhsRecognizer(RegexRecognizer):
    """UK NHS number: 10 digits, written 3-3-4, mod 11. A tenth of random numbers pass, so context counts."""

    ENTITY = "UK_NHS"
    TRIGGER = DIGIT
    PATTERN = re.compile(_NOT_GLUED_BEFORE + r"(?P<v>\d{3}[ -]?\d{3}[ -]?\d{4})" + _NOT_GLUED_AFTER)

    def validate(self, value: str) -> bool:
        return nhs_valid(digits_of(value))

    def base_score(self, value: str) -> float:
        return 0.35 if re.fullmatch(r"\d{3}([ -])\d{3}\1\d{4}", value) else 0.3


class UsSsnRecognizer(RegexRecognizer):
    """US Social Security number: AAA-GG-SSSS with the SSA's structure rules."""

    ENTITY = "US_SSN"
    TRIGGER = DIGIT
    PATTERN = re.compile(_NOT_GLUED_BEFORE + r"(?P<v>\d{3}([- ]?)\d{2}\2\d{4})" + _NOT_GLUED_AFTER)

    def validate(self, value: str) -> bool:
        return us_ssn_valid(value)

    def base_score(self, value: str) -> float:
        return 0.3 if not value.isdigit() else 0.25
