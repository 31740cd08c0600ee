"""Special categories of personal data (GDPR art. 9 and 10): words and phrases of health,
trade-union membership, religion, sexual orientation, ethnic origin, political opinion,
genetic data and criminal records.

The terms live in rules.yaml (``options.terms``: category -> language -> words; ``*`` at
either end of a word matches a compound, "*krebs"). A term on its own is not a violation:
the policy rule for it needs something identifying a third party in the ticket too.
Absence codes on their own ("sick", "sjuk", "krank") are deliberately no terms: the
reason for an absence is special-category data, its type is not. An ignore word right
before a term ("awareness campaign", "Schulung") says it is about no one.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from bridge.recognizers.base import BridgeRecognizer, Candidate
from bridge.recognizers.context import ContextWords, phrase_core, word_pattern


_TOKEN = re.compile(r"\w+")


def _core(word: str) -> re.Pattern[str]:
    """What every match of ``word_pattern(word)`` holds: the word without its ``*``. A text
    without it is not searched with the leading run of word characters (costly at every letter)."""
    return re.compile(phrase_core(word.strip().strip("*")), re.IGNORECASE)


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
                    phrase = re.compile(word_pattern(word), re.IGNORECASE)
                    self.by_first_word.setdefault(first.group(0).casefold(), []).append((phrase, str(category)))
        self.wildcard = [(ContextWords([w]), c, _core(w)) for w, c in wildcard]
        self.score = float(self.options.get("base_score", 0.6))

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
