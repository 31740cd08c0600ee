"""Addresses and phone lines of the organisation, judged by the words around them.

- An address whose line, or the lines right above it in the same block, names a company
  (a legal-form suffix: Ltd, GmbH, AB ...) or a site (depot, warehouse, office, Standort,
  lager ...), or says "our" (our depot, vårt lager, unser Standort), is a company's or a
  site's address: "(Acme Logistics Ltd, Unit 9 Centurion Park, Tamworth B77 5PN)".
- A phone number with a switchboard or office word nearer before it on its line than any
  word of a person's line (mobile, direct ...), or such a word in brackets right after it
  ("+46 8 120 400 00 (Main)", "0421 369 40-0 (Zentrale)"), is the organisation's.
A person word on the way (his, her, sitt, seine, colleague ...) or a person's full name keeps
the value a third party's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from bridge.ownership.text import fold

_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
LINES_ABOVE = 3
PERSON_MASK = "<PERSON>"  # a name finding as the scanner masks it in attachment contexts
MASKED_NAME_WORD = "maskedpersonname"
BRACKET_AFTER = re.compile(r"^\s*[\(\[]\s*([^)\]\n]{1,40})[\)\]]")


@lru_cache(maxsize=32)
def _folded(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """Single words, and phrases of several words, folded."""
    singles, phrases = set(), []
    for w in words:
        parts = fold(w).split()
        if len(parts) == 1:
            singles.add(parts[0])
            singles.add(parts[0].rstrip(".") or parts[0])  # tokens are compared without a final dot ("B.V.")
        elif parts:
            phrases.append(tuple(parts))
    return frozenset(singles), tuple(phrases)


def _tokens(text: str) -> list[str]:
    return [fold(t).rstrip(".") or fold(t) for t in _TOKEN.findall(text)]


def _hit(tokens: list[str], i: int, words: tuple[frozenset[str], tuple[tuple[str, ...], ...]]) -> bool:
    singles, phrases = words
    if tokens[i] in singles:
        return True
    return any(tuple(tokens[i - len(p) + 1:i + 1]) == p for p in phrases if i - len(p) + 1 >= 0)


# a full stop after a short abbreviation ("kv. Lärkan", "avd. 3", "Str. 4", "bl.a.") ends no sentence
_SENTENCE_END = re.compile(
    r"(?<!\b[Kk]v)(?<!\b[Aa]vd)(?<!\b[Ss]tr)(?<!\b[Nn]r)(?<!\b[Tt]el)(?<!\bbl\.a)(?<!\bt\.ex)(?<!\bz\.B)(?<!\bca)"
    r"(?<!\bSt)(?<!\bNo)(?<!\bDept)(?<!\bBldg)[.!?](?=\s)"
)


def _legal_form_before(text: str, end: int, org_singles: frozenset[str]) -> bool:
    """The text up to ``end`` (just after a full stop) ends with an organisation word: "e.V.", "Ltd."."""
    words = _TOKEN.findall(text[max(0, end - 12):end])
    return bool(words) and (fold(words[-1]) in org_singles or fold(words[-1]).rstrip(".") in org_singles)


def nearest_says_organisation(
    before: str, org_words: list[str], person_words: list[str], person_wins: bool = False,
    is_first_name: Callable[[str], bool] | None = None,
) -> bool:
    """Walking back from the value, in its sentence: an organisation word comes before any person
    word or a person's full name ("one of our nurses, Ann Holm, wants it paid to: ..."). With
    ``person_wins``, any person word in the sentence, or a name nearer than the organisation
    word ("Linde Gas AB, ..." is the company's), keeps the value a person's
    ("to the engineer's home instead of the depot: 14 Albion Crescent")."""
    # a name masked in an attachment's context ("Kontoinhaberin: <PERSON> Anschrift: ...") is a person
    before = before.replace(PERSON_MASK, f" {MASKED_NAME_WORD} ")
    person_words = [*person_words, MASKED_NAME_WORD]
    org, person = _folded(tuple(org_words)), _folded(tuple(person_words))
    # the full stop of a legal form ("Tierschutzverein Allgäu e.V.\nIBAN ...") ends no sentence
    ends = [m for m in _SENTENCE_END.finditer(before) if not _legal_form_before(before, m.end(), org[0])]
    sentence = before[ends[-1].end():] if ends else before
    raw = _TOKEN.findall(sentence)
    tokens = [fold(t).rstrip(".") or fold(t) for t in raw]
    found = False
    for i in range(len(tokens) - 1, -1, -1):
        # an organisation's phrase ("store phone") is read before its last word ("phone") as a person's cue
        phrase = _hit(tokens, i, (frozenset(), org[1]))
        if not phrase and (_hit(tokens, i, person) or tokens[i].endswith(("'s", "’s"))):
            return False
        if is_first_name is not None and not found and not phrase and _full_name_at(raw, i, is_first_name):
            return False
        if phrase or _hit(tokens, i, org):
            if not person_wins:
                return True
            found = True
    return found


def _full_name_at(raw: list[str], i: int, is_first_name: Callable[[str], bool]) -> bool:
    """A capitalised first name at ``i`` with a capitalised surname after it ("Ann Holm")."""
    first = raw[i]
    if i + 1 >= len(raw) or not first[:1].isupper() or first.isupper() or len(first) < 2:
        return False
    surname = raw[i + 1]
    return surname[:1].isupper() and not surname.isupper() and is_first_name(first)


def bracket_after_says_organisation(after: str, org_words: list[str]) -> bool:
    """"(Main)", "(Zentrale)", "(office)" right after the value."""
    found = BRACKET_AFTER.match(after)
    if not found:
        return False
    tokens = _tokens(found.group(1))
    org = _folded(tuple(org_words))
    return any(_hit(tokens, i, org) for i in range(len(tokens)))


def block_above(text: str, start: int, lines: int = LINES_ABOVE) -> str:
    """The value's line up to it, and up to ``lines`` lines above it in the same block."""
    line_start = text.rfind("\n", 0, start) + 1
    out = text[line_start:start]
    pos = line_start - 1
    for _ in range(lines):
        if pos <= 0:
            break
        prev_start = text.rfind("\n", 0, pos) + 1
        prev = text[prev_start:pos]
        if not prev.strip():
            break
        out = prev + "\n" + out
        pos = prev_start - 1
    return out


LETTERHEAD_MAX_WORDS = 16  # a letterhead or footer line before the value: name, suffix, street, town
_POSSESSIVES = frozenset({"our", "vår", "vårt", "våra", "unser", "unsere", "unserem", "unseren", "unserer"})


def letterhead_line_says_organisation(
    before: str, company_words: list[str], person_words: list[str], is_first_name: Callable[[str], bool] | None = None,
) -> bool:
    """A phone on a company's letterhead or footer line ("Acme Ltd, 4 Dock Road, Cork, +353 ..."):
    a legal-form suffix or a site word stands before it on its line, and no person word, no
    possessive ("his", "Ann's") and no person's full name anywhere on that line before it.
    A bare "our" alone does not make a line a company's."""
    line = before.rsplit("\n", 1)[-1].replace(PERSON_MASK, f" {MASKED_NAME_WORD} ")
    person_words = [*person_words, MASKED_NAME_WORD]
    if len(_TOKEN.findall(line)) > LETTERHEAD_MAX_WORDS:
        return False  # a sentence of prose, not a letterhead's fields
    possessives = {fold(p) for p in _POSSESSIVES}
    words = [w for w in company_words if fold(w) not in possessives]
    org, person = _folded(tuple(words)), _folded(tuple(person_words))
    raw = _TOKEN.findall(line)
    tokens = [fold(t).rstrip(".") or fold(t) for t in raw]
    found = False
    for i in range(len(tokens)):
        if _hit(tokens, i, person) or tokens[i].endswith(("'s", "’s")):
            return False
        if is_first_name is not None and _full_name_at(raw, i, is_first_name):
            return False
        # a letterhead capitalises its company's suffix and site words: "ab 8 Uhr" names no "AB"
        found = found or (_hit(tokens, i, org) and raw[i][:1].isupper())
    return found
