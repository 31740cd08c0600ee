"""Person codes (employee clock numbers, staff numbers, agent ids) and passport numbers.

Both are anchored on their context words: a number is a person code only right after
"person code", "employee ID", "klocknummer", "Personalnummer"...; a person code also
follows a full name in brackets ("Tammy Diaz (025746)"). Passport numbers follow
"passport number", "passnummer", "Reisepass", "Pass-Nr.".
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from bridge.recognizers.base import DIGIT, BridgeRecognizer, Candidate
from bridge.recognizers.names import NameMatcher
from bridge.recognizers.table_codes import IdHeaders, id_column_codes

# The shapes of a person code: digits with up to three letters before them ("4471", "AB4471",
# "EMP0386"), a prefix of one to three letters or a letter and a digit and a dash ("AB-0451",
# "ABC-00123", "M-3307", "D2-0417": a depot's or site's staff), or two digit groups joined by a
# dash ("12-3456"). Never a month and year ("11-2026"): a date.
CODE_SHAPE = (
    r"(?:(?:[A-Z]{1,3}|[A-Z]\d)-\d{3,8}|(?!(?:0?[1-9]|1[0-2])-(?:19|20)\d\d(?!\d))\d{2,3}-\d{3,6}"
    r"|[A-Z]{0,3}\d{3,8})"
)
_CODE = re.compile(rf"(?<![\w./+-])(?P<v>{CODE_SHAPE})(?![\w/-]|[.,]\d)")
# a whole cell of a comma-separated export ("4471,2024-03-01,7.5"): the comma is a separator
# there, not a decimal or thousands mark; only in attachment text, where the column header decides
_CELL_CODE = re.compile(rf"(?m)(?:^|(?<=,))[ \t]*(?P<v>{CODE_SHAPE})[ \t]*(?=,|\r?$)")
_BRACKETED = re.compile(r"[ \t]*\((?P<v>[A-Z]{0,3}\d{3,8}|[A-Z]{1,3}-\d{3,8})\)")
# "Ragnar (P91797)", "Raphael (HR-28587)", "Jonas (204418)": a capitalised word and a code with letters
# or five digits or more in brackets right after it
_FIRST_NAME_BRACKET = re.compile(
    r"(?<![\w.-])(?P<name>[A-ZÅÄÖÜÉ][a-zåäöüéèøæß]{1,20})[ \t]*\((?P<v>[A-Z]{1,3}-?\d{3,8}|\d{5,8})\)"
)
# "Ayla Demir (PN 5512)", "(Pers.-Nr. 4711)", "(anst.nr 33190)", "(emp. D2-0417)": a short label
# and one code fill the bracket after a full name
_LABELLED = re.compile(
    rf"[ \t]*\((?P<label>[^\W\d_][\w.-]{{0,15}}?)(?:[ \t]*[:#][ \t]*|[ \t]+|(?<=\.))(?P<v>{CODE_SHAPE})\)"
)
# the labels of a person's code (not "seit 2019", "Jg. 1984", "Tel. 4471", "Ref. 4471")
_CODE_LABEL = re.compile(
    r"(?i)(?:(?:pers|personal|mitarb|mitarbeiter|employee|staff|anst|anställ|klock|clock|stempel|badge|agent|löp)[\w.-]*"
    r"|(?:p|pn|pnr|ma|emp|empl|id|nr|no|lnr)\.?(?:-?(?:nr|no|id|nummer|number)\.?)?)"
)


def passport_pattern(min_length: int, max_length: int) -> re.Pattern[str]:
    """Letters and digits (at least one digit), ``min_length`` to ``max_length`` long."""
    return re.compile(rf"(?<![\w./+-])(?P<v>(?=[A-Z0-9]*\d)[A-Z0-9]{{{min_length},{max_length}}})(?![\w/-]|[.,]\d)")


class PersonCodeRecognizer(BridgeRecognizer):
    ENTITY = "PERSON_CODE"
    TRIGGER = DIGIT

    def __init__(self, *args: Any, matcher: NameMatcher | None = None, **kwargs: Any) -> None:
        self.matcher = matcher
        super().__init__(*args, **kwargs)
        self.after_name = bool(self.options.get("after_name_in_brackets", True)) and matcher is not None
        # options.table_id_headers: headers of a table's id column ("Nr", "#", "PersNr"); a code
        # there beside a full name in the same row is a person code (the context words count too)
        table_headers = self.options.get("table_id_headers") or []
        self.id_headers = IdHeaders([*table_headers, *self.context_words.words]) if table_headers else None

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        score = float(self.options.get("base_score", 0.4))
        seen = set()
        if self.id_headers is not None and self.matcher is not None and (
            (tabular and ("|" in text or "\t" in text or ";" in text)) or "\n" in text or "|" in text
        ):
            for start, end, header in id_column_codes(text, self.id_headers, self._is_full_name, self.matcher.is_first_name):
                seen.add(start)
                yield Candidate(
                    start, end, float(self.options.get("after_name_score", 0.75)),
                    f"code in the id column '{header}' beside a full name in the same row", context_free=True,
                )
        for match in _CODE.finditer(text):
            start, end = match.span("v")
            if start in seen:
                continue
            seen.add(start)
            yield Candidate(start, end, score, "number after a person-code word", needs_context=True)
        if "," in text and tabular:
            for match in _CELL_CODE.finditer(text):
                start, end = match.span("v")
                if start not in seen:
                    yield Candidate(start, end, score, "number in a column under a person-code header", needs_context=True)
        if self.after_name and "(" in text:
            yield from self._after_names(text)

    def _is_full_name(self, value: str) -> bool:
        return self.matcher is not None and next(iter(self.matcher.find(value)), None) is not None

    def _after_names(self, text: str) -> Iterator[Candidate]:
        if self.matcher is None:
            return
        score = float(self.options.get("after_name_score", 0.75))
        seen: set[int] = set()
        for _start, end, _ in self.matcher.find(text):
            match = _BRACKETED.match(text, end)
            # a label beside the code says what it is: no bare number (confidence.weak.bare_number_evidence)
            note = "number in brackets after a full name"
            if match is None:
                match = self._labelled(text, end)
                note = "code with a person-code label in brackets after a full name"
            if match:
                s, e = match.span("v")
                seen.add(s)
                # the bracket after a name is context enough
                yield Candidate(s, e, score, note)
        for match in _FIRST_NAME_BRACKET.finditer(text):
            # "Ragnar (P91797) är sjukskriven ...": a first name with a code of letters and digits (or a
            # long number) is someone identifiable (POLICY.md); a short bare number is an age or a count
            s, e = match.span("v")
            if s not in seen and self.matcher.is_first_name(match.group("name")):
                seen.add(s)
                yield Candidate(s, e, score, "code in brackets after a first name")

    @staticmethod
    def _labelled(text: str, end: int) -> re.Match[str] | None:
        """A bracket after a name holding a person-code label and a code."""
        match = _LABELLED.match(text, end)
        if match is None or not _CODE_LABEL.fullmatch(match.group("label")):
            return None
        return match


class PassportRecognizer(BridgeRecognizer):
    ENTITY = "PASSPORT"
    TRIGGER = DIGIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pattern = passport_pattern(int(self.options.get("min_length", 6)), int(self.options.get("max_length", 9)))

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for match in self.pattern.finditer(text):
            start, end = match.span("v")
            yield Candidate(start, end, float(self.options.get("base_score", 0.5)), "passport-shaped number", needs_context=True)

