"""The requester presents a value as their own, with the value a few words away:
"my NI number is displayed as JT 48 62 91 C", "meine Steuer-ID 46829310679", "send it to my
new home address please:\n\n14 Fenwick Road", "(811103-4529, det är alltså mitt)".

A first-person word (my, mine, me, mitt, min, mig, mein, meine, mich ...) stands in the same
sentence as the value, at most ``window`` words before it (or a few words after it: "that's
mine"), and nothing between the two speaks of someone else: no third-person or role word (his,
her, colleague, hennes, Kollegin ...), no possessive "'s", no first name. A colon that ends a
line does not end the sentence: the value often stands on the lines below it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from bridge.ownership.names import signs_as
from bridge.ownership.text import fold

# a full stop before a lower-case word ends an abbreviation, not the sentence ("Steuer-IdNr. ist ...")
_SENTENCE_END = re.compile(r"[.!?](?:\s+(?![a-zåäöüß])|$)|\n\s*\n")
_TOKEN = re.compile(r"[\w'’-]+")
AFTER_WORDS = 6
MAX_CHARS = 400


def _sentence_before(text: str, start: int, skip: frozenset[str]) -> str:
    """The text of the value's sentence before it. A colon that ends a line does not end the
    sentence, nor does a line holding only the requester's name ("to me at home:\n\nAnna Berg\n")."""
    pieces = _SENTENCE_END.split(text[max(0, start - MAX_CHARS):start])
    k = len(pieces) - 1
    out = pieces[k]
    while k > 0 and pieces[k - 1].rstrip().endswith(":") and all(fold(t) in skip for t in _tokens(out)):
        k -= 1
        out = pieces[k] + "\n" + out
    return out


def _sentence_after(text: str, end: int) -> str:
    after = text[end:end + MAX_CHARS // 2]
    return _SENTENCE_END.split(after)[0]


@lru_cache(maxsize=16)
def _folded_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(w) for w in words if w.strip())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


_CONTRACTIONS = frozenset({"it's", "that's", "there's", "here's", "what's", "let's", "this's", "it’s", "that’s"})


def _speaks_of_another(token: str, others: frozenset[str], is_first_name: Callable[[str], bool]) -> bool:
    low = fold(token)
    if low in _CONTRACTIONS:
        return False
    if low in others or low.endswith("'s") or low.endswith("’s"):
        return True
    # an all-capitals word is an acronym ("my new IBAN is", "my PIN"), not a first name
    return token[:1].isupper() and len(token) > 2 and not token.isupper() and is_first_name(token)



def _formal_you(token: str, index: int) -> bool:
    """German "Sie" inside a sentence is the reader addressed ("erreichen Sie mich unter ..."), not "she"."""
    return token == "Sie" and index > 0


CONTINUING_TOKENS = 4  # "Nya kontot är": a short sentence that goes on about the one before
STEM_LETTERS = 5  # ... and names again what that one named ("kontot", "konto")


def _continues_own_sentence(
    text: str, start: int, sentence: list[str], continuing: frozenset[str], own: frozenset[str],
    others: frozenset[str], skip: frozenset[str], is_first_name: Callable[[str], bool],
) -> bool:
    """"Jag bytte lönekonto ... till mitt gamla konto. Nya kontot är <IBAN>": a short sentence that
    starts with a continuing word (new, nya, neue, correct ...) goes on about the first-person one
    before it, when nobody else is named in either."""
    if not continuing or not sentence or len(sentence) > CONTINUING_TOKENS or fold(sentence[0]) not in continuing:
        return False
    if any(fold(t) not in skip and _speaks_of_another(t, others, is_first_name) for t in sentence):
        return False
    head = _SENTENCE_END.split(text[max(0, start - MAX_CHARS):start])
    if len(head) < 2:
        return False
    previous = _tokens(head[-2])
    if any(fold(t) not in skip and _speaks_of_another(t, others, is_first_name) for t in previous):
        return False
    # the same thing in both: "Nya kontot" after "mitt gamla konto", not "Nya nattansvariges nummer"
    stems = {fold(t)[:STEM_LETTERS] for t in sentence[1:] if len(t) >= STEM_LETTERS}
    said_before = " ".join(fold(t) for t in previous)
    return any(stem in said_before for stem in stems) and any(fold(t) in own for t in previous)


def presented_as_own(
    text: str, start: int, end: int, own_words: list[str], other_words: list[str], window: int,
    is_first_name: Callable[[str], bool], requester_name: str = "", object_words: tuple[str, ...] = (),
    continuing_words: tuple[str, ...] = (),
) -> bool:
    """A first-person word near the value in its sentence, with nobody else in between; one of
    ``object_words`` ("me", "mig", "mich") only when nobody else stands before it in the sentence;
    or a short sentence starting with one of ``continuing_words`` after a first-person sentence."""
    if not own_words or window <= 0:
        return False
    own = _folded_set(tuple(own_words))
    others = _folded_set(tuple(other_words))
    skip = frozenset(fold(t) for t in _tokens(requester_name))
    sentence = _tokens(_sentence_before(text, start, skip))
    if _continues_own_sentence(text, start, sentence, _folded_set(continuing_words), own, others, skip, is_first_name):
        return True
    before = sentence[-window:]
    for index in range(len(before) - 1, -1, -1):
        token = before[index]
        if fold(token) in own:
            # "he asked me to enter the new one", "Frau X hat mir die Karte gezeigt": an object
            # pronoun after someone else in the sentence is that person's message to the writer
            earlier = sentence[: len(sentence) - len(before) + index]
            if fold(token) in _folded_set(tuple(object_words)) and any(
                fold(t) not in skip and not _formal_you(t, i) and _speaks_of_another(t, others, is_first_name)
                for i, t in enumerate(earlier)
            ):
                break  # only a first-person word after it can still make it theirs ("... (mein Handy)")
            return True
        if fold(token) not in skip and _speaks_of_another(token, others, is_first_name):
            break
    for token in _tokens(_sentence_after(text, end))[:AFTER_WORDS]:
        if fold(token) in own:
            return True
        if _speaks_of_another(token, others, is_first_name):
            return False
    return False


def reachable_as_self(
    text: str, start: int, subjects: list[str], reach_words: list[str], other_words: list[str], window: int,
    is_first_name: Callable[[str], bool], requester_name: str = "",
) -> bool:
    """"I'm reachable on ...", "bin ich am Handy erreichbar unter ...", "jag nås på ...": a
    reachability word before the number, a first-person subject before or just after that word
    in the same sentence, and no other person between them and the number."""
    if not subjects or not reach_words or window <= 0:
        return False
    subject = _folded_set(tuple(subjects))
    reach = _folded_set(tuple(reach_words))
    others = _folded_set(tuple(other_words))
    skip = frozenset(fold(t) for t in _tokens(requester_name))
    before = _tokens(_sentence_before(text, start, skip))[-window:]
    reached = False
    for index in range(len(before) - 1, -1, -1):
        token = before[index]
        low = fold(token)
        if low in reach:
            reached = True
            # inverted order: "nås jag på", "erreichen können Sie mich" has its own phrase list
            if any(fold(t) in subject for t in before[index + 1:index + 3]):
                return True
            continue
        if reached and low in subject:
            return True
        if low not in skip and _speaks_of_another(token, others, is_first_name):
            return False
    return False


# "Folke Sundberg (", "Folke Sundberg, ", "Folke Sundberg – ": a full name, then the value in
# brackets or as an apposition after a comma or a dash
_NAME_BEFORE = re.compile(
    r"((?:[^\W\d_][\w'’.-]*\s+){1,3}[^\W\d_][\w'’-]*)\s*(?:[(\[]|,|\s[–—-])\s*$"
)
NAME_GAP_CHARS = 80


def named_just_before(text: str, start: int, is_first_name: Callable[[str], bool], requester_name: str = "") -> bool:
    """The value stands in brackets, or as an apposition, right after somebody else's full name
    ("Vera Holm (v.holm@...) covers for me"): it is that person's, whatever first-person words
    stand in the sentence. The requester's own name there ("Anna Berg (anna@...)") does not count."""
    line_start = text.rfind("\n", 0, start) + 1
    found = _NAME_BEFORE.search(text[max(line_start, start - NAME_GAP_CHARS):start])
    if not found:
        return False
    tokens = _tokens(found.group(1))
    # the full name: the last capitalised words, the first of them a first name
    name: list[str] = []
    for token in reversed(tokens):
        if not token[:1].isupper():
            break
        name.insert(0, token)
    while name and not is_first_name(name[0]):
        name.pop(0)
    if len(name) < 2:
        return False
    return not signs_as(" ".join(name), requester_name)
