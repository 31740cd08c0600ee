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

from typing import Any, Iterator

from bridge.recognizers.base import BridgeRecognizer, Candidate
from bridge.recognizers.context import ContextWords


class SpecialCategoryRecognizer(BridgeRecognizer):
    ENTITY = "SPECIAL_CATEGORY"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = self.options.get("terms") or {}
        languages = None if self.options.get("all_languages") else {self.supported_language}
        self.categories: list[tuple[str, ContextWords]] = []
        for category, per_language in terms.items():
            words: list[str] = []
            for lang, lang_words in (per_language or {}).items():
                if languages is None or lang in languages:
                    words.extend(str(w) for w in lang_words or [])
            if words:
                self.categories.append((str(category), ContextWords(words)))
        self.score = float(self.options.get("base_score", 0.6))

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for category, words in self.categories:
            if words.regex is None:
                continue
            for match in words.regex.finditer(text):
                yield Candidate(match.start(), match.end(), self.score, f"special-category term ({category})")
