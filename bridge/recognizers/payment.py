"""Payment card numbers (Luhn and issuer prefix). IBANs use presidio's IbanRecognizer (mod 97).

Two kinds of Luhn-valid digit runs are not a person's card: an IMEI (15 digits; its word
before it is an ignore word in rules.yaml) and the test card numbers payment providers
publish (``options.test_numbers``) when the sentence says it is a test, a sandbox or a
staging system (``options.test_context``): "the sandbox rejects test card 4242 4242 4242 4242".

A bare, ungrouped run of digits is as often a case, order or tracking number that happens to
pass Luhn: it counts only with a card word near it (the context words, or a card column's
header), and never right after an id label (``options.id_labels``: "Ticket #", "Case ID",
"Vorgangsnummer"). A number grouped like a card ("4111 1111 1111 1111") needs neither.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from bridge.recognizers.base import DIGIT, Candidate, RegexRecognizer
from bridge.recognizers.checksums import digits_of, payment_card_valid
from bridge.recognizers.context import ContextWords

# issuer prefixes with 15-digit cards: Amex 34/37, UATP 1, Diners 30/36/38/39, Maestro 50/56-58/6x.
# Visa (13/16/19), Mastercard (16) and JCB (16-19) issue none: a 15-digit Luhn-valid run starting
# 35, 4 or 51-55 is an IMEI (TAC 35..., 49..., 86...), not a card.
FIFTEEN_DIGIT_SCHEMES = ("34", "37", "1", "30", "36", "38", "39", "50", "56", "57", "58", "6")
SOMEONES_WINDOW = 30
_SOMEONES_CARD = re.compile(
    r"\b(?:his|her|their|hans|hennes|deras|seine|ihre|seiner|ihrer)\s+(?:\w+\s+){0,2}(?:card|kort|karte)\w*\W*$",
    re.IGNORECASE,
)


# what may stand between an id label and its number: "Ticket #", "Case ID: ", "TrackingID#"
ID_LABEL_GAP = re.compile(r"[ \t:#.=(-]*")
ID_LABEL_WINDOW = 40


_GROUP_SEP = re.compile(r"[ -]")


def _card_grouping(value: str) -> bool:
    """Whether the digit groups are a card's: fours (the last of a 13- or 19-digit card shorter),
    or Amex's and Diners' 4-6-5 and 4-6-4."""
    lengths = [len(g) for g in _GROUP_SEP.split(value) if g]
    if lengths in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4


class PaymentCardRecognizer(RegexRecognizer):
    """13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, known issuer prefix."""

    ENTITY = "CREDIT_CARD"
    TRIGGER = DIGIT
    PATTERN = re.compile(r"(?<![\w.,/+-])(?P<v>\d{4}(?:[ -]?\d{3,4}){2,3}(?:[ -]?\d{1,3})?)(?![\w/]|[.,-]\d)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.test_numbers = {digits_of(str(n)) for n in self.options.get("test_numbers", [])}
        words = self.options.get("test_context") or {}
        self.test_words = ContextWords(words.get(self.supported_language, []) if isinstance(words, dict) else [])
        labels = self.options.get("id_labels") or {}
        self.id_labels = ContextWords(
            [str(w) for ws in labels.values() for w in ws or []] if isinstance(labels, dict) else []
        )

    def validate(self, value: str) -> bool:
        number = digits_of(value)
        if len(number) == 15 and not number.startswith(FIFTEEN_DIGIT_SCHEMES):
            return False  # an IMEI's shape: no scheme but Amex, UATP, Diners and Maestro issues 15 digits
        return payment_card_valid(value)

    def base_score(self, value: str) -> float:
        return 0.6

    def _test_number_in_test_context(self, text: str, start: int, end: int) -> bool:
        """A published test number in a text that speaks of tests, a sandbox or staging anywhere
        (the word often stands in the sentence before a list of numbers), unless the number is
        said to be someone's ("her card 4111 ...")."""
        if digits_of(text[start:end]) not in self.test_numbers:
            return False
        if _SOMEONES_CARD.search(text[max(0, start - SOMEONES_WINDOW):start]):
            return False
        return self.test_words.regex is not None and self.test_words.regex.search(text) is not None

    def _after_id_label(self, text: str, start: int) -> bool:
        """An id label right before the number ("Case ID 4000...", "ärendenummer: 4000...")."""
        return self.id_labels.nearest_before(text, start, ID_LABEL_WINDOW, ID_LABEL_GAP) is not None

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for cand in super().candidates(text, tabular):
            if self._test_number_in_test_context(text, cand.start, cand.end):
                continue
            value = text[cand.start : cand.end]
            if value.isdigit() or not _card_grouping(value):
                # bare and ungrouped, or grouped as no card is ("30653289-6973-8153", a log's session
                # id): an identifier unless a card word says otherwise
                if self._after_id_label(text, cand.start):
                    continue
                cand.needs_context = True
            yield cand
