"""Text as the recognizers should see it, with a map back to the original.

Copy-paste and evasion hide values from patterns: full-width digits and letters
("０７０-１２３ ４５ ６７"), zero-width spaces and soft hyphens inside a number or an
address, non-breaking spaces between digit groups. ``normalise`` applies NFKC (full-width
to ASCII, NBSP to a space), turns Unicode hyphens into "-", drops format characters (Unicode category Cf: zero-width
space, joiners, soft hyphen, BOM, word joiner) and keeps, per character of the result,
where it came from, so a finding's offsets point at the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# format characters (category Cf) that text carries invisibly; U+00AD soft hyphen is one
_FORMAT = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


@dataclass(frozen=True)
class Normalised:
    """``text`` normalised; ``starts[i]`` / ``ends[i]`` are the original span of its character ``i``
    (both None when nothing changed)."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


# hyphens and minus signs NFKC keeps ("076\u2011218 45 93" with a non-breaking hyphen): an ASCII
# hyphen; en and em dashes stay (prose punctuation: "Name \u2013 role")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2212\ufe63\uff0d"})
_DASH = re.compile("[\u2010-\u2012\u2212]")


def _needs_work(text: str) -> bool:
    if text.isascii():
        return False
    return bool(_FORMAT.search(text)) or bool(_DASH.search(text)) or not unicodedata.is_normalized("NFKC", text)


def normalise(text: str) -> Normalised:
    """NFKC, format characters dropped, with the offset map back to ``text``."""
    if not _needs_work(text):
        return Normalised(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if _FORMAT.match(ch):
            i += 1
            continue
        # a character with the combining marks after it is normalised as one cluster ("e" + "\u0301")
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = ch if j == i + 1 and ch.isascii() else unicodedata.normalize("NFKC", text[i:j]).translate(_DASHES)
        for piece in cluster:
            out.append(piece)
            starts.append(i)
            ends.append(j)
        i = j
    return Normalised("".join(out), starts, ends)
