"""Special categories of personal data (GDPR art. 9 and 10): words and phrases of health,
trade-union membership, religion, sexual orientation, ethnic origin, political opinion,
genetic data and criminal records.

The terms live in rules.yaml (``options.terms``: category -> language -> words; ``*`` at
either end of a word matches a compound, "*krebs"). A term on its own is not a violation:
the policy rule for it needs something identifying a third party in the ticket too.
Absence codes on their own ("sick", "sjuk", "krank") are deliberately no terms: the
reason for an absence is special-category data, its type is not. An ignore word right
before a term ("awareness campaign", "Schulung") says it is about no one.

Two options widen the terms without listing every form:

- ``inflections`` (language -> endings): a single-word term of that language of at least
  ``inflection_min_length`` letters also matches with one of the endings ("Burnouts",
  "cancern"); English takes none, and short terms ("Haft", "dömd") none either.
- ``cued_terms`` (category -> ``terms`` and ``cues``, language -> words): words that are
  common words too ("Vision", "Kommunal", "Unite") count only with a cue right before or after
  them ("member of", "gått med i", "eingetreten"), within ``cue_gap`` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from bridge.recognizers.base import BridgeRecognizer, Candidate
from bridge.recognizers.context import ContextWords, phrase_core, word_pattern


_TOKEN = re.compile(r"\w+")
_SINGLE_WORD = re.compile(r"\w+(?:-\w+)*")
CUE_GAP = 15


def _core(word: str) -> re.Pattern[str]:
    """What every match of ``word_pattern(word)`` holds: the word without its ``*``. A text
    without it is not searched with the leading run of word characters (costly at every letter)."""
    return re.compile(phrase_core(word.strip().strip("*")), re.IGNORECASE)


_COMPOUND_AFTER = re.compile(r"-[^\W\d_]")


@dataclass(frozen=True)
class _Cued:
    """A category of ``options.cued_terms``: terms that count only with a cue near them.
    ``before_only``: the cue must stand before the term ("has MS", not "MS has been slow");
    ``case_sensitive``: the term as written (the abbreviation "MS", not "ms" of a latency);
    ``not_followed``: words that make it a product's name right after it ("MS Teams")."""

    terms: ContextWords
    cues: ContextWords
    category: str
    cue_gap: int
    before_only: bool = False
    case_sensitive: bool = False
    not_followed: re.Pattern[str] | None = None


class SpecialCategoryRecognizer(BridgeRecognizer):
    """Terms are indexed by their first word: the text is read once, word by word, and only a
    word that starts a term is tried against it (one alternation of ~300 phrases tried at every
    position cost a third of the scan). Terms with a ``*`` go into one fallback regex."""

    ENTITY = "SPECIAL_CATEGORY"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = self.options.get("terms") or {}
        languages = None if self.options.get("all_languages") else {self.supported_language}
        self.by_first_word: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        wildcard: list[tuple[str, str]] = []
        for category, per_language in terms.items():
            for lang, lang_words in (per_language or {}).items():
                if languages is not None and lang not in languages:
                    continue
                for word in lang_words or []:
                    word = str(word).strip()
                    first = _TOKEN.match(word)
                    if "*" in word or first is None:
                        wildcard.append((word, str(category)))
                        continue
                    phrase, keys = self._term_pattern(word, str(lang))
                    for key in keys:
                        self.by_first_word.setdefault(key, []).append((phrase, str(category)))
        self.wildcard = [(ContextWords([w]), c, _core(w)) for w, c in wildcard]
        self.score = float(self.options.get("base_score", 0.6))
        self.cue_gap = int(self.options.get("cue_gap", CUE_GAP))
        self.cued = self._cued_terms(languages)

    def _term_pattern(self, word: str, lang: str) -> tuple[re.Pattern[str], list[str]]:
        """The term's regex and the first words a text token may be for it (the term's first
        word, and with an inflection ending the inflected forms of a one-word term)."""
        endings = [str(e) for e in (self.options.get("inflections") or {}).get(lang) or []]
        min_length = int(self.options.get("inflection_min_length", 5))
        first = _TOKEN.match(word)
        keys = [first.group(0).casefold()] if first else []
        if endings and len(word) >= min_length and _SINGLE_WORD.fullmatch(word):
            alternatives = "|".join(re.escape(e) for e in sorted(endings, key=len, reverse=True))
            pattern = r"(?<!\w)" + re.escape(word) + f"(?:{alternatives})?" + r"(?!\w)"
            if first is not None and first.group(0) == word:
                keys += [(word + e).casefold() for e in endings]
            return re.compile(pattern, re.IGNORECASE), keys
        return re.compile(word_pattern(word), re.IGNORECASE), keys

    def _cued_terms(self, languages: set[str] | None) -> list[_Cued]:
        """The categories of ``options.cued_terms``; the cues of all of a category's languages count
        for each of its terms (staff mix languages)."""
        out = []
        for category, spec in (self.options.get("cued_terms") or {}).items():
            spec = spec or {}
            words = [
                str(w)
                for lang, ws in (spec.get("terms") or {}).items()
                if languages is None or lang in languages
                for w in ws or []
            ]
            cues = [str(w) for ws in (spec.get("cues") or {}).values() for w in ws or []]
            if not (words and cues):
                continue
            followers = [str(w) for w in spec.get("not_followed_by") or []]
            out.append(_Cued(
                terms=ContextWords(words), cues=ContextWords(cues), category=str(category),
                cue_gap=int(spec.get("cue_gap", self.cue_gap)),
                before_only=bool(spec.get("cue_before_only", False)),
                case_sensitive=bool(spec.get("case_sensitive", False)),
                not_followed=re.compile(r"[ \t]*(?:" + "|".join(re.escape(w) for w in followers) + r")\b", re.IGNORECASE)
                if followers else None,
            ))
        return out

    @staticmethod
    def _has_cue(cued: _Cued, text: str, start: int, end: int) -> bool:
        """A cue ending at most ``cue_gap`` characters before the term or (unless ``before_only``)
        starting as close after it."""
        cues, gap = cued.cues, cued.cue_gap
        if cues.regex is None:
            return False
        lo = max(0, start - gap - cues.max_len)
        for match in cues.regex.finditer(text, lo, min(len(text), end + gap + cues.max_len)):
            if start - gap <= match.end() <= start:
                return True
            if not cued.before_only and end <= match.start() <= end + gap:
                return True
        return False

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        note = "special-category term ({})"
        if self.by_first_word:
            for token in _TOKEN.finditer(text):
                phrases = self.by_first_word.get(token.group(0).casefold())
                if not phrases:
                    continue
                for phrase, category in phrases:
                    match = phrase.match(text, token.start())
                    if match:
                        yield Candidate(match.start(), match.end(), self.score, note.format(category))
        for words, category, core in self.wildcard:
            if words.regex is not None and core.search(text) is not None:
                for match in words.regex.finditer(text):
                    yield Candidate(match.start(), match.end(), self.score, note.format(category))
        for cued in self.cued:
            if cued.terms.regex is None:
                continue
            for match in cued.terms.regex.finditer(text):
                if cued.case_sensitive and not cued.terms.written_as(match.group(0)):
                    continue
                if cued.not_followed is not None and cued.not_followed.match(text, match.end()):
                    continue
                if cued.case_sensitive and _COMPOUND_AFTER.match(text, match.end()):
                    continue  # "MS-licens", "ALS-Modul": an abbreviation as a compound's first part
                if self._has_cue(cued, text, match.start(), match.end()):
                    yield Candidate(match.start(), match.end(), self.score, note.format(cued.category))
