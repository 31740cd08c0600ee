"""Payment card numbers (Luhn and issuer prefix). IBANs use presidio's IbanRecognizer (mod 97).

Two kinds of Luhn-valid digit runs are not a person's card: an IMEI (15 digits; its word
before it is an ignore word in rules.yaml) and the test card numbers payment providers
publish (``options.test_numbers``) when the sentence says it is a test, a sandbox or a
staging system (``options.test_context``): "the sandbox rejects test card 4242 4242 4242 4242".
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from bridge.recognizers.base import Candidate, RegexRecognizer
from bridge.recognizers.checksums import digits_of, payment_card_valid
from bridge.recognizers.context import ContextWords

TEST_CONTEXT_WINDOW = 80


class PaymentCardRecognizer(RegexRecognizer):
    """13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, known issuer prefix."""

    ENTITY = "CREDIT_CARD"
    PATTERN = re.compile(r"(?<![\w.,/+-])(?P<v>\d{4}(?:[ -]?\d{3,4}){2,3}(?:[ -]?\d{1,3})?)(?![\w/]|[.,-]\d)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.test_numbers = {digits_of(str(n)) for n in self.options.get("test_numbers", [])}
        words = self.options.get("test_context") or {}
        self.test_words = ContextWords(words.get(self.supported_language, []) if isinstance(words, dict) else [])

    def validate(self, value: str) -> bool:
        return payment_card_valid(value)

    def base_score(self, value: str) -> float:
        return 0.6

    def _test_number_in_test_context(self, text: str, start: int, end: int) -> bool:
        if digits_of(text[start:end]) not in self.test_numbers:
            return False
        before = self.test_words.nearest_before(text, start, TEST_CONTEXT_WINDOW, same_clause=True)
        return before is not None or self.test_words.nearest_after(text, end, TEST_CONTEXT_WINDOW) is not None

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for cand in super().candidates(text, tabular):
            if not self._test_number_in_test_context(text, cand.start, cand.end):
                yield cand
