"""Dates of birth: a date in any common EN/SV/DE form, stated as a birth date.

A date alone is technical data (incident dates, timestamps); the recognizer only emits
one when a birth context word ("born", "DOB", "född", "Geburtsdatum", "geb.") is
near it (rules.yaml: entities.DATE_OF_BIRTH.context).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from bridge.recognizers.base import DIGIT, BridgeRecognizer, Candidate
from bridge.recognizers.checksums import valid_date

# Month names are language data, not policy.
MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "januari februari mars april maj juni juli augusti september oktober november december",
    "januar februar märz april mai juni juli august september oktober november dezember",
):
    for _i, _name in enumerate(_names.split(), start=1):
        MONTHS[_name] = _i
        MONTHS.setdefault(_name[:3], _i)
MONTHS.update({"sept": 9, "jän": 1, "jänner": 1, "maerz": 3, "mrz": 3, "okt": 10, "dez": 12})

_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_B = r"(?<![\w./-])"
_E = r"(?![\w/-]|[.]\d)"
_DATE = re.compile(
    _B + r"(?P<v>"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?P<num>(?P<na>\d{1,2})(?P<sep>[./-])(?P<nb>\d{1,2})(?:(?P=sep)|(?<=/\d)\s|(?<=/\d\d)\s)(?P<ny>\d{4}|\d{2}))"
    rf"|(?P<dmy>(?P<dd>\d{{1,2}})(?:st|nd|rd|th|:e|:a)?\.?\s(?:of\s)?(?P<dm>{_MONTH})\.?,?\s(?P<dy>\d{{4}}))"
    r"|(?P<compact>(?P<cy>(?:19|20)\d{2})(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\d|3[01]))"
    rf"|(?P<mdy>(?P<mm>{_MONTH})\.?\s(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<my>\d{{4}}))"
    r")" + _E,
    re.IGNORECASE,
)


def _plausible_birth(year: int, month: int, day: int) -> bool:
    return 1900 <= year <= date.today().year and valid_date(year, month, day)


def parse_date(match: re.Match[str]) -> bool:
    """Whether the matched text is a real date (either day/month order for numeric forms)."""
    if match.group("iso"):
        return _plausible_birth(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
    if match.group("num"):
        a, b, y = int(match.group("na")), int(match.group("nb")), match.group("ny")
        year = int(y) if len(y) == 4 else 1900 + int(y)
        return _plausible_birth(year, b, a) or _plausible_birth(year, a, b)
    if match.group("dmy"):
        month = MONTHS.get(match.group("dm").lower())
        return month is not None and _plausible_birth(int(match.group("dy")), month, int(match.group("dd")))
    if match.group("compact"):
        return _plausible_birth(int(match.group("cy")), int(match.group("cm")), int(match.group("cd")))
    if match.group("mdy"):
        month = MONTHS.get(match.group("mm").lower())
        return month is not None and _plausible_birth(int(match.group("my")), month, int(match.group("md")))
    return False


# a time right after a date makes it a timestamp ("2024-01-02 10:00", "2024-01-02T10:00:00Z", "01.10.2024, 21:40")
_TIME_AFTER = re.compile(r"(?:[ T]|,?\s(?:um|at|kl\.?|klockan)?\s?)\d{1,2}:\d{2}")


class DateOfBirthRecognizer(BridgeRecognizer):
    """A plausible past date with a birth context word before it; not a timestamp."""

    ENTITY = "DATE_OF_BIRTH"
    TRIGGER = DIGIT

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for match in _DATE.finditer(text):
            if parse_date(match):
                start, end = match.span("v")
                if _TIME_AFTER.match(text, end):
                    continue  # a timestamp, never a birth date
                yield Candidate(start, end, float(self.options.get("base_score", 0.5)), "date", needs_context=True)

    def blocking_spans(self, text: str, candidates: list[Candidate]) -> list[tuple[int, int]]:
        """Every date (timestamps and implausible ones too) uses up a birth word before it."""
        return [match.span("v") for match in _DATE.finditer(text)]
