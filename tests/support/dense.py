"""Dense made-up text of names and numbers: the worst case for the scanner's cost per character
(every few characters a candidate for several recognizers), for bounds tests and bench/."""

from __future__ import annotations

import random

FIRST = ("Anna", "Erik", "Maria", "Johan", "Sara", "Lars", "Emma", "Karl", "Julia", "Peter", "Hans", "Greta",
         "James", "Mary", "Oliver")
LAST = ("Svensson", "Andersson", "Müller", "Schmidt", "Smith", "Jones", "Berg", "Lindqvist", "Weber", "Taylor")


def dense_text(chars: int, seed: int = 1) -> str:
    """``chars`` characters of names, phone numbers, personnummer-like and other numbers, addresses."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < chars:
        kind = rng.randrange(6)
        if kind == 0:
            word = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        elif kind == 1:
            word = str(rng.randrange(10**9, 10**10))
        elif kind == 2:
            word = f"07{rng.randrange(10)}-{rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
        elif kind == 3:
            word = f"19{rng.randrange(50, 99)}{rng.randrange(1, 12):02d}{rng.randrange(1, 28):02d}-{rng.randrange(1000, 9999)}"
        elif kind == 4:
            word = f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@example.com"
        else:
            word = rng.choice((",", ";", "\n", " and", " tel", " nr"))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars]
