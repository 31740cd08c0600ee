"""Documented placeholders and test records: "Max Mustermann", "Jane Doe", "1 Test Street", a birth date
of 1 January 1900, "Tolvan Tolvansson".

Vendors' documentation, letter templates and test tenants fill their examples with names and values
everyone knows to be no one's. A value is a placeholder when its own words are placeholder words
(``ownership.placeholders`` in rules.yaml); the other values of its record are the example's too: its
paragraph in the body, or its neighbourhood in an attachment (a row of a test file, an object of a
JSON request). Such values are given to the system: they belong to no person.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from bridge.findings import EXAMPLE_NOTE, TEST_DATA_NOTE, Finding
from bridge.ownership.holders import SYSTEM, THIRD_PARTY
from bridge.ownership.text import fold
from bridge.platform import Ticket
from bridge.rules.schema import Placeholders

WHY = "a documented placeholder (an example's or a test record's value, no one's)"
RECORD_WHY = "beside a documented placeholder in the same record (an example or a test record, no one's)"
# how far apart two values of one record in an attachment may stand (a row, a JSON object)
RECORD_CHARS = 160
# reserved example domains (RFC 2606, RFC 6761)
_EXAMPLE_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$", re.IGNORECASE)
_TOKENS = re.compile(r"[^\W\d_]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


def _alternation(words: Iterable[str], before: str = r"(?<!\w)", after: str = r"(?!\w)") -> re.Pattern[str] | None:
    """One case-insensitive pattern for a word list (None for an empty list): one scan per text."""
    listed = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not listed:
        return None
    return re.compile(before + "(?:" + "|".join(re.escape(w) for w in listed) + ")" + after, re.IGNORECASE)


def _words(value: str) -> list[str]:
    return [fold(w) for w in _TOKENS.findall(value)]


def _starts_with_any(word: str, stems: frozenset[str]) -> bool:
    return any(word.startswith(stem) for stem in stems)


class PlaceholderTest:
    """Whether a finding's own value is a documented placeholder."""

    def __init__(self, config: Placeholders) -> None:
        self.surnames = frozenset(fold(w) for w in config.surnames)
        self.first_names = frozenset(fold(w) for w in config.first_names)
        self.street_stems = frozenset(fold(w) for w in config.street_stems)
        self.towns = frozenset(fold(w) for w in config.towns)
        self.postcodes = tuple(re.compile(p) for p in config.postcodes)
        self.dates = tuple(re.compile(p) for p in config.dates)
        self.repeated_digits = config.repeated_digits
        # not inside an address or a domain ("t.richter@musterfirma.de" is a real company's)
        self.record_words = _alternation(config.record_words, r"(?<![\w@.])", r"(?![\w@-]|\.\w)")
        self.test_data_words = _alternation(w for words in config.test_data_words.values() for w in words)
        self.documentation_words = _alternation(config.documentation_words, r"(?<!\w)", "")
        self.example_nouns = _alternation(config.example_nouns)

    def value(self, finding: Finding) -> bool:
        kind, value = finding.entity_type, finding.value
        words = _words(value)
        if not words and kind not in ("DATE_OF_BIRTH", "PHONE_NUMBER"):
            return False
        if kind == "PERSON":
            return words[-1] in self.surnames or words[0] in self.first_names
        if kind == "EMAIL_ADDRESS":
            local, _, domain = value.rpartition("@")
            tokens = _words(local)
            if any(t in self.surnames and t not in self.first_names for t in tokens):
                return True
            return bool(_EXAMPLE_DOMAIN.search(domain.strip())) and any(t in self.surnames or t in self.first_names for t in tokens)
        if kind == "STREET_ADDRESS":
            return (
                any(_starts_with_any(w, self.street_stems) for w in words)
                or any(w in self.towns for w in words)
                or any(p.search(value) for p in self.postcodes)
            )
        if kind == "DATE_OF_BIRTH":
            return any(p.fullmatch(value.strip()) for p in self.dates)
        if kind == "PHONE_NUMBER" and self.repeated_digits:
            digits = re.sub(r"\D", "", value)
            tail = digits[-self.repeated_digits:]
            return len(digits) > self.repeated_digits and len(set(tail)) == 1
        return False

    def record_text(self, text: str) -> bool:
        """A record (a line, a row) that says it is a test or an example: "is_test": true, Acme Corp."""
        return self.record_words is not None and self.record_words.search(text) is not None

    def in_placeholder_record(self, finding: Finding) -> bool:
        """An attachment's value whose masked surroundings mark a test record or name a placeholder."""
        around = f"{finding.line_before}\n{finding.context or ''}"
        return self.record_text(around) or any(w in self.surnames for w in _words(around))

    def named_as_example(self, finding: Finding, ticket: Ticket) -> bool:
        """An example noun and a documentation word before the value in its sentence: "Exemplet i
        Skatteverkets beskrivning är ...", "the sample row in your import spec" (not "the latest example
        was this morning: ...")."""
        text = _text_of(finding.place, ticket)
        if text is None or self.example_nouns is None or self.documentation_words is None:
            return False
        if self.example_nouns.search(text, 0, finding.start) is None:
            return False
        ends = list(_SENTENCE_END.finditer(text, 0, finding.start))
        sentence = text[ends[-1].end() if ends else 0:finding.start]
        return bool(self.example_nouns.search(sentence) and self.documentation_words.search(sentence))

    def says_test_data(self, ticket: Ticket) -> bool:
        text = f"{ticket.subject or ''}\n{ticket.body or ''}"
        return self.test_data_words is not None and self.test_data_words.search(text) is not None


_TESTS: dict[int, tuple[Placeholders, PlaceholderTest]] = {}
MAX_CACHED_TESTS = 8


def _test_of(config: Placeholders) -> PlaceholderTest:
    """One compiled test per rules object (its word lists compile once, not per ticket)."""
    cached = _TESTS.get(id(config))
    if cached is None or cached[0] is not config:
        if len(_TESTS) >= MAX_CACHED_TESTS:
            _TESTS.clear()
        cached = (config, PlaceholderTest(config))
        _TESTS[id(config)] = cached
    return cached[1]


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    starts = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, offset)]
    start = starts[-1] if starts else 0
    after = _PARAGRAPH_BREAK.search(text, offset)
    return start, after.start() if after else len(text)


def _text_of(place: str, ticket: Ticket) -> str | None:
    if place == "body":
        return ticket.body or ""
    if place == "subject":
        return ticket.subject or ""
    return None


def placeholders(findings: Iterable[Finding], ticket: Ticket, config: Placeholders) -> list[Finding]:
    """``findings`` (annotated) with placeholders and the values of their records given to the system."""
    findings = list(findings)
    if not config.enabled or not any(f.holder == THIRD_PARTY for f in findings):
        return findings
    test = _test_of(config)
    own = {id(f) for f in findings if f.holder == THIRD_PARTY and test.value(f)}
    records: dict[str, list[tuple[int, int]]] = {}
    for f in findings:
        if f.place not in ("subject", "body") and f.holder == THIRD_PARTY and test.in_placeholder_record(f):
            records.setdefault(f.place, []).append((f.start, f.end))
        if id(f) in own or (f.holder != THIRD_PARTY and test.value(f)):
            text = _text_of(f.place, ticket)
            span = _paragraph(text, f.start) if text is not None else (f.start - RECORD_CHARS, f.end + RECORD_CHARS)
            records.setdefault(f.place, []).append(span)
    for place in ("subject", "body"):
        text = _text_of(place, ticket) or ""
        if test.record_words is not None:
            for hit in test.record_words.finditer(text):
                records.setdefault(place, []).append(_paragraph(text, hit.start()))
    examples = {id(f) for f in findings if f.holder == THIRD_PARTY and test.named_as_example(f, ticket)}
    if not own and not records and not examples:
        return findings
    # a ticket that says its data are test data and shows placeholders: what else it holds is doubted
    doubted = test.says_test_data(ticket)
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY:
            if id(f) in own:
                f = replace(f, holder=SYSTEM, holder_why=WHY, excluded=WHY)
            elif any(lo <= f.start and f.end <= hi for lo, hi in records.get(f.place, ())):
                f = replace(f, holder=SYSTEM, holder_why=RECORD_WHY, excluded=RECORD_WHY)
            elif id(f) in examples:
                f = replace(f, evidence=f"{EXAMPLE_NOTE}; {f.evidence}" if f.evidence else EXAMPLE_NOTE)
            elif doubted and records and not f.evidence.startswith(TEST_DATA_NOTE):
                f = replace(f, evidence=f"{TEST_DATA_NOTE}; {f.evidence}" if f.evidence else TEST_DATA_NOTE)
        out.append(f)
    return out
