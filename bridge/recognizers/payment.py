"""Payment card numbers (Luhn and issuer prefix). IBANs use presidio's IbanRecognizer (mod 97)."""

from __future__ import annotations

import re

from bridge.recognizers.base import RegexRecognizer
from bridge.recognizers.checksums import payment_card_valid


class PaymentCardRecognizer(RegexRecognizer):
    """13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, known issuer prefix."""

    ENTITY = "CREDIT_CARD"
    PATTERN = re.compile(r"(?<![\w.,/+-])(?P<v>\d{4}(?:[ -]?\d{3,4}){2,3}(?:[ -]?\d{1,3})?)(?![\w/]|[.,-]\d)")

    def validate(self, value: str) -> bool:
        return payment_card_valid(value)

    def base_score(self, value: str) -> float:
        return 0.6
