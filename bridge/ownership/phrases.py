"""The requester calls a value their own: "call me on", "nå mig på", "my new address is"."""

from __future__ import annotations

import re
from functools import lru_cache

from bridge.ownership.text import PUNCTUATION, fold

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
MAX_WORDS_AFTER = 2


def said_to_be_own(text: str, start: int, phrases: list[str], window: int) -> bool:
    """A first-person phrase ends just before the value, in the same sentence.

    The phrase's words must come in order (a phrase of three or more words may have one
    filler word between two of its words: "rufen Sie mich gerne unter"), its last word
    among the last three words before the value; a line break inside the sentence does
    not matter, a sentence end does.
    """
    if not phrases:
        return False
    before = _SENTENCE_END.split(text[max(0, start - window):start])[-1]
    words = fold(PUNCTUATION.sub(" ", before)).split()
    if not words:
        return False
    folded = _folded(tuple(phrases))
    last = set(words[-1 - MAX_WORDS_AFTER:])
    return any(phrase[-1] in last and _ends_with_phrase(words, phrase) for phrase in folded)


@lru_cache(maxsize=16)
def _folded(phrases: tuple[str, ...]) -> tuple[list[str], ...]:
    return tuple(fold(PUNCTUATION.sub(" ", p)).split() for p in phrases if p.strip())  # "I'm on" as the text reads


def _ends_with_phrase(words: list[str], phrase: list[str]) -> bool:
    """``phrase`` in ``words`` (in order, small gaps), ending near the end. A two-word phrase
    may have no gap ("my colleague's number" is not "my number")."""
    if not phrase:
        return False
    gap = 1 if len(phrase) >= 3 else 0
    for end in range(len(words) - 1, max(-1, len(words) - 2 - MAX_WORDS_AFTER), -1):
        if words[end] != phrase[-1]:
            continue
        position = end
        for word in reversed(phrase[:-1]):
            candidates = [i for i in range(position - 1, max(-1, position - 2 - gap), -1) if words[i] == word]
            if not candidates:
                break
            position = candidates[0]
        else:
            return True
    return False
