"""Does a written name mean the requester: full name, initials, first name, surname or a nickname.

Nicknames come from the ``nicknames`` package (a hand-curated English table: Bob ~ Robert,
Kate ~ Katherine); a short form that starts the full first name ("Chris", "Alex", "Micke" does
not) counts too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bridge.ownership.text import words

MIN_SHORT_FORM = 3
_PET_FORM = re.compile(r"^..(?:([bcdfghjklmnpqrstvwxz])\1|ck)e$")


@lru_cache(maxsize=1)
def _namer():  # type: ignore[no-untyped-def]
    try:
        from nicknames import NickNamer
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return NickNamer()


@lru_cache(maxsize=4096)
def same_first_name(written: str, own: str) -> bool:
    """'bob' ~ 'robert', 'chris' ~ 'christopher', 'kate' ~ 'katherine' (folded words)."""
    if written == own:
        return True
    if len(written) >= MIN_SHORT_FORM and own.startswith(written):
        return True
    # a pet form on the same stem: "Steffi" for Stefanie, "Kenny" for Kenneth
    if len(written) >= 4 and written[:3] == own[:3] and written[-1] in "iye" and len(written) <= len(own) + 1:
        return True
    # a Swedish pet form: the first two letters, a doubled consonant and "e" ("Lasse" for Lars,
    # "Kalle" for Karl, "Micke" for Mikael, "Jocke" for Joakim)
    if len(written) == 5 and written[:2] == own[:2] and _PET_FORM.match(written):
        return True
    namer = _namer()
    if namer is None:
        return False
    return written in namer.nicknames_of(own) or own in namer.nicknames_of(written) or bool(
        namer.canonicals_of(written) & namer.canonicals_of(own)
    )


def same_person(value: str, requester_name: str) -> bool:
    """The finding names the requester: equal after folding, or its words are the requester's words."""
    found, own = words(value), words(requester_name)
    if not found or not own:
        return False
    if found == own:
        return True
    if len(found) == 1 and len(own) >= 2:
        return found[0] == own[-1]  # "Frau Krause" found as "Krause": the requester's surname
    return len(found) >= 2 and all(w in own for w in found)


def signs_as(line: str, requester_name: str, surname_enough: bool = False) -> bool:
    """A sign-off name line means the requester: "Dakota Yazzie", "D. Yazzie", "Dakota",
    "DY", "Bob Smith" for Robert Smith, "Yazzie"; a title after a comma or bar may follow."""
    own = words(requester_name)
    name = re.split(r"[|,·•]", line)[0]
    found = [w for w in words(name) if w]
    if not own or not found or len(found) > 4:
        return False
    first, last = own[0], own[-1]
    if len(found) == 1:
        word = found[0]
        if word == last and len(own) > 1:
            return True
        if same_first_name(word, first):
            return True
        initials = "".join(w[0] for w in own)
        return len(word) >= 2 and word in (initials, initials[0] + initials[-1])
    if found[-1] != last:
        # "Bob S." or "Dakota Y."
        return len(found) == 2 and len(found[1]) == 1 and found[1] == last[0] and same_first_name(found[0], first)
    head = found[:-1]
    if surname_enough and len(own) > 1 and len(head) <= 2:
        # the requester's own sign-off: their surname under any first name is them; the profile
        # holds the legal first name, the sign-off a pet form no table knows ("Micke", "Lisi")
        return True
    return bool(head) and (len(head[0]) == 1 and head[0] == first[0] or same_first_name(head[0], first))
