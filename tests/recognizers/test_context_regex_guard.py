"""The look-ahead in front of the context-word regexes (a speed-up) matches exactly where the
plain alternation of the words does: same matches, same order, for every word list of the
shipped rules, on text with case variants, compounds and Unicode case oddities."""

from __future__ import annotations

import random
import re

import pytest

from bridge.recognizers.context import ContextWords, _first_chars, _header_pattern, word_pattern
from bridge.scanner import Scanner


def _plain(words: list[str], pattern: object) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(pattern(w) for w in ordered), re.IGNORECASE)  # type: ignore[operator]


def _shipped_word_lists(scanner: Scanner) -> list[ContextWords]:
    found: dict[int, ContextWords] = {}
    for recognizers in scanner.recognizers.values():
        for recognizer in recognizers:
            for value in vars(recognizer).values():
                if isinstance(value, ContextWords) and value.words:
                    found[id(value)] = value
    return list(found.values())


def _texts(words: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [w.strip("*") for w in words] + ["Haupt", "nummer", "_", "-", ".", ":", " ", "\n", "\t", "1234",
                                               "ſ", "K", "ß", "ẞ", "İ", "ı", "µ", "Ω", "Å", "ﬀ", "é"]
    out = []
    for _ in range(60):
        parts = []
        for _ in range(rng.randint(1, 25)):
            piece = rng.choice(pieces)
            piece = rng.choice([piece, piece.upper(), piece.lower(), piece.title(), piece.swapcase()])
            parts.append(piece + rng.choice(["", "", " ", "\n", ":", "-", "s"]))
        out.append("".join(parts))
    return out


def test_guarded_regexes_match_where_the_plain_alternation_does(scanner: Scanner) -> None:
    lists = _shipped_word_lists(scanner)
    assert len(lists) > 20
    for index, words in enumerate(lists):
        plain = _plain(words.words, word_pattern)
        headers = [w for w in words.words if len(w.strip("*. ")) >= 3]
        plain_header = _plain(headers, _header_pattern) if headers else None
        for text in _texts(words.words, index):
            assert words.regex is not None
            assert [m.span() for m in words.regex.finditer(text)] == [m.span() for m in plain.finditer(text)]
            if plain_header is not None and words.header_regex is not None:
                assert [m.span() for m in words.header_regex.finditer(text)] == [
                    m.span() for m in plain_header.finditer(text)
                ]


@pytest.mark.parametrize("word", ["*nummer", "tel.", "Geb", "f.d.", "växel", "#", "* rad", "ss#", "ẞtraße", "ſtatus", "kelvin"])
def test_start_class_admits_every_character_a_match_can_start_with(word: str) -> None:
    """Over every code point of the first two planes (where all case pairs live: Kelvin sign,
    long s, dotted I, capital sharp s): whatever starts a match of the word passes the guard."""
    starts = _first_chars(word)
    assert starts is not None
    guard = re.compile(f"[{starts}]", re.IGNORECASE)
    plain = re.compile(word_pattern(word), re.IGNORECASE)
    stripped = word.strip()
    tails = [stripped.strip("*").lstrip()[1:], stripped.strip("*")] if stripped.startswith("*") else [stripped[1:]]
    for code in range(0x20000):
        ch = chr(code)
        if any(plain.match(ch + tail) for tail in tails):
            assert guard.match(ch), (word, hex(code))


def test_a_word_that_could_match_empty_gets_no_guard() -> None:
    words = ContextWords(["*", "tel"])
    assert words.regex is not None and not words.regex.pattern.startswith("(?=")
