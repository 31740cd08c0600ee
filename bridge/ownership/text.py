"""Folding and word helpers shared by the ownership checks."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PUNCTUATION = re.compile(r"[^\w\s-]")


@lru_cache(maxsize=4096)  # the same names and lines are folded for every finding of a ticket
def fold(text: str) -> str:
    """Case-folded, accents removed, whitespace collapsed: 'Söderlund ' ~ 'soderlund'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").split())


def words(text: str) -> list[str]:
    return fold(PUNCTUATION.sub(" ", text)).split()


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def line_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the finding's line before and after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:start], text[end: len(text) if line_end == -1 else line_end]
