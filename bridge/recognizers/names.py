"""Full names: a known first name followed by a capitalised surname.

The English spaCy model misses many Swedish and German names and calls company names
persons, so names are found the same way in every language: a first name from a name
list (``names_data``) followed by a surname-shaped word. Guards against the usual
misfires: stop words are never first names, a name followed by a legal form ("GmbH",
"AB", "Ltd", "and Sons") is a company, and ``not_surnames`` / German noun endings
("-ung", "-heit") are not surnames. Only full names are found: the policy says a first
name alone is not personal data.

``SpacyPersonRecognizer`` adds the PERSON entities of a spaCy model (English) that pass
the same guards, for names the list lacks; rules.yaml decides whether it runs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bridge.recognizers.base import BridgeRecognizer, Candidate
from bridge.recognizers.context import ContextWords
from bridge.recognizers.names_data import first_names
from bridge.recognizers.split_names import NOTE as SPLIT_NOTE
from bridge.recognizers.split_names import SplitNameColumns



def _letter_class(test: Callable[[str], bool]) -> str:
    """A regex character class body of the Latin, Greek and Cyrillic letters passing ``test``
    (``str.isupper`` / ``str.islower``): "Jovanović", "Aydın", "Łukasz", "Şahin" spelled as written."""
    ranges: list[tuple[int, int]] = []
    for lo, hi in ((0x41, 0x24F), (0x370, 0x52F), (0x1E00, 0x1EFF)):
        for code in range(lo, hi + 1):
            ch = chr(code)
            if not (ch.isalpha() and test(ch)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_UPPER = _letter_class(str.isupper)
_LOWER = _letter_class(str.islower)
_CAPITALISED = rf"[{_UPPER}][{_LOWER}]+"
# a capital inside a first name: "DeShawn", "LaToya", "JoAnne" (the name list decides)
_WORD = rf"{_CAPITALISED}(?:[{_UPPER}][{_LOWER}]+)?"
# a capital inside a surname after a usual prefix: "McDonald", "MacKinnon", "O'Brien", "DuBois", "DiMaggio"
_SURNAME_WORD = rf"(?:(?:Mc|Mac|O['’]|D['’]|De|Di|Da|Du|La|Le|Van|Von)?{_CAPITALISED})"
# Irish and Scottish Gaelic patronymic particles stand as words of their own: "Ó Dálaigh", "Ní Bhriain"
_GAELIC = r"(?:Ó|Ní|Nic|Uí|Ua)"
# a lone German article is no particle: "Frank der Hausmeister", "Bitte den Dienstplan anpassen"
# ("van der", "von der", "van den" keep theirs)
_PARTICLES = rf"(?:von der|van der|van den|von|van|de la|de|af|zu|da|di|du|le|la|{_GAELIC})"
# the words of a name stand apart by spaces: a tab separates cells of a pasted table ("Anna\tViktor")
NAME_PATTERN = re.compile(
    rf"(?<![\w@.-])(?P<first>{_WORD}(?:-{_WORD})?)"
    rf"(?:[ ]+(?!{_GAELIC}[ \t])(?P<middle>{_WORD}))?"
    rf"[ ]+(?:(?P<particle>{_PARTICLES})[ ]+)?"
    rf"(?P<last>{_SURNAME_WORD}(?:-{_SURNAME_WORD})?)"
    r"(?![\w@-]|\.\w)"
)
# every capitalised word is a possible start: "Agentin Caren Lübs" must still find "Caren Lübs"
_WORD_START = re.compile(rf"(?<![\w@.-])[{_UPPER}]")
# A place word after a "name" makes it a site ("Calder Moss Business Park", "Ellen Brook Shopping
# Centre", "Kirkby Hill Industrial Estate"): language data of English site names, like street types.
_PLACE_AFTER = re.compile(
    r"[ \t]+(?:(?:Business|Industrial|Retail|Trading|Science|Technology|Enterprise|Shopping|Leisure|Distribution)"
    r"[ \t]+(?:Park|Estate|Centre|Center|Village)|Shopping[ \t]+(?:Centre|Center|Mall)|Industrial[ \t]+Area)(?![\w])"
)


# base letter + combining mark pairs that are letters of their own in Swedish and German
_OWN_LETTERS = {("a", "\u030a"), ("a", "\u0308"), ("o", "\u0308"), ("u", "\u0308")}


def _strip_accents(folded: str) -> str:
    """``folded`` without its accents, keeping å, ä, ö and ü (see ``NameMatcher._listed``)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", folded):
        if unicodedata.combining(ch):
            if out and (out[-1], ch) in _OWN_LETTERS:
                out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Towns and districts of several words (bridge/data/place_names.txt, from GeoNames), casefolded."""
    from importlib import resources

    text = (resources.files("bridge") / "data" / "place_names.txt").read_text(encoding="utf-8")
    return frozenset(
        " ".join(line.split()).casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=4)
def _stop_words(languages: tuple[str, ...]) -> frozenset[str]:
    import importlib

    words: set[str] = set()
    for lang in languages:
        try:
            module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        except ImportError:
            continue
        words.update(w.casefold() for w in module.STOP_WORDS)
    return frozenset(words)


class NameMatcher:
    """Finds full names in text; built once per configuration (the name list is large)."""

    def __init__(
        self,
        countries: Iterable[str] | None,
        min_frequency: int = 1,
        extra_first_names: Iterable[str] = (),
        not_first_names: Iterable[str] = (),
        organisation_suffixes: Iterable[str] = (),
        not_surnames: Iterable[str] = (),
        not_surname_suffixes: Iterable[str] = (),
        stop_word_languages: Iterable[str] = ("en", "sv", "de"),
        stop_word_countries: Iterable[str] = (),
        stop_word_min_frequency: int = 5,
        product_names: Iterable[str] = (),
        places: bool = True,
    ) -> None:
        stops = _stop_words(tuple(stop_word_languages))
        base = first_names(tuple(countries) if countries else None, min_frequency)
        # a stop word ("hans", "per", "die") is a first name only when it is a common one
        # where our languages are spoken: "Hans Andersson" yes, "Die Monatsauswertung" no
        common = first_names(tuple(stop_word_countries), stop_word_min_frequency) if stop_word_countries else frozenset()
        self.first = (set(base) | {n.casefold() for n in extra_first_names}) - (stops - common)
        self.first -= {n.casefold() for n in not_first_names}
        self.not_first = {n.casefold() for n in not_first_names}
        self.stops = stops
        # common first names where our languages are spoken: they make a surname that is also
        # a word ("Frank Lange", "Anna Wolf") believable, and anchor pet forms ("Freddie")
        self.common = (common or first_names(tuple(stop_word_countries) or ("great_britain",), stop_word_min_frequency)) - self.not_first
        # stop words of these languages never pass as surnames: "Will Not Sync" (a title-case
        # subject), "Hej Anna Efter lunch"; German ones do after a common first name ("Frank Lange")
        self.function_words = _stop_words(tuple(lang for lang in stop_word_languages if lang != "de"))
        self.not_surnames = {w.casefold() for w in not_surnames} | {
            w.casefold() for w in organisation_suffixes if " " not in w.strip() and w.strip()[:1].isalpha()
        }
        self.noun_suffixes = tuple(s.casefold() for s in not_surname_suffixes)
        suffixes = sorted({s.strip() for s in organisation_suffixes if s.strip()}, key=len, reverse=True)
        self.org_after = (
            re.compile(r"[ \t]*,?[ \t]*(?:" + "|".join(re.escape(s) for s in suffixes) + r")(?![\w])") if suffixes else None
        )
        self.joined_org = re.compile(r"[ \t]*(?:&|\+|\band\b|\bund\b|\boch\b)[ \t]+[" + _UPPER + "]")
        products = sorted({p.strip() for p in product_names if p.strip()}, key=len, reverse=True)
        self.products = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in products) + r")(?!\w)")
            if products
            else None
        )
        self.places = place_names() if places else frozenset()

    def is_first_name(self, word: str) -> bool:
        return all(self._listed(part.casefold()) or self._pet_form(part.casefold()) for part in word.split("-"))

    def _listed(self, folded: str) -> bool:
        """On the list as written or without its accents: "Ciarán", "Zoë" where the list has the plain form.
        å, ä, ö and ü are letters of their own in Swedish and German (the list spells "Björn", "Jürgen"
        with them): dropping their marks turns common nouns into names ("Lön" -> "Lon", "Mål" -> "Mal")."""
        if folded in self.first:
            return True
        if folded.isascii():
            return False
        plain = _strip_accents(folded)
        return plain != folded and plain in self.first

    def _pet_form(self, folded: str) -> bool:
        """An English pet form of a common first name the list lacks: "-ie" on the name or its
        shortened form ("Alfie" from Alf, "Freddie" from Fred)."""
        if len(folded) < 5 or not folded.endswith("ie") or folded in self.stops or folded in self.not_first:
            return False
        stem = folded[:-2]
        if len(stem) >= 3 and stem in self.common:
            return True
        return len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in self.common

    def surname_ok(self, word: str, first: str | None = None) -> bool:
        if first is not None and word.casefold() == first.casefold():
            return False  # a word twice is no name: "Night Night" in a rota's columns
        for part in word.split("-"):
            folded = part.casefold()
            if folded in self.stops and not self._word_surname_ok(part, first):
                return False
            if folded in self.not_surnames or len(part) < 2:
                return False
            if any(folded.endswith(s) and len(folded) > len(s) + 2 for s in self.noun_suffixes) and not self._listed(folded):
                # a noun's ending ("Konferenz") - unless the word is a listed given name, which are
                # surnames too ("Lorenz", "Vinzenz")
                return False
        return True

    def _word_surname_ok(self, part: str, first: str | None) -> bool:
        """A surname that is also a German stop word ("Lange", "Wohl") after a common first name."""
        if first is None or len(part) < 4 or not part[1:].islower():
            return False
        if part.casefold() in self.function_words:
            return False
        return all(p.casefold() in self.common for p in first.split("-"))

    def is_company(self, text: str, end: int) -> bool:
        """``Bergström & Johansson``, ``Mende Liebelt GmbH``, ``Calder Moss Business Park``: what follows
        the name says company or site."""
        if self.org_after is not None and self.org_after.match(text, end):
            return True
        if _PLACE_AFTER.match(text, end):
            return True
        return bool(self.joined_org.match(text, end))

    def not_a_person(self, text: str, start: int, end: int, products: list[tuple[int, int]]) -> bool:
        """A town of several words ("Milton Keynes") or one of the organisation's product names."""
        if self.places and " ".join(text[start:end].split()).casefold() in self.places:
            return True
        return any(s < end and start < e for s, e in products)

    def product_spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.products.finditer(text)] if self.products is not None else []

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, note) of full names."""
        products = self.product_spans(text)
        resume = 0
        for word in _WORD_START.finditer(text):
            if word.start() < resume:
                continue
            match = NAME_PATTERN.match(text, word.start())
            if match is None:
                continue
            first, middle, last = match.group("first"), match.group("middle"), match.group("last")
            if not self.is_first_name(first):
                continue
            start, end = match.start(), match.end()
            if middle and not self.is_first_name(middle):
                # "Anna Schmidt Meyer": the middle word is a surname, the last word is something else
                if self.surname_ok(middle, first) and not match.group("particle"):
                    end = match.start("middle") + len(middle)
                    last = middle
                else:
                    continue
            if not self.surname_ok(last, first) or self.is_company(text, end):
                continue
            # "… & Anna Berg": preceded by a connector means a company name like "Holm & Anna Berg AB"
            before = text[max(0, start - 3) : start]
            if "&" in before:
                continue
            if self.not_a_person(text, start, end, products):
                continue
            resume = end
            yield start, end, "first name from name list + surname"


@lru_cache(maxsize=8)
def shared_matcher(key: tuple[Any, ...]) -> NameMatcher:
    (countries, min_frequency, extra, not_first, org, not_surnames, noun_suffixes, langs, stop_countries, stop_min,
     products, places) = key
    return NameMatcher(
        countries, min_frequency, extra, not_first, org, not_surnames, noun_suffixes, langs, stop_countries, stop_min,
        products, places,
    )


def matcher_from_options(options: dict[str, Any], names_config: Any, languages: Iterable[str]) -> NameMatcher:
    countries = None if names_config.countries == "all" else tuple(names_config.countries)
    key = (
        countries,
        names_config.min_frequency,
        tuple(names_config.extra_first_names),
        tuple(names_config.not_first_names),
        tuple(names_config.organisation_suffixes),
        tuple(names_config.not_surnames),
        tuple(options.get("not_surname_suffixes", ())),
        tuple(languages),
        tuple(names_config.stop_word_countries),
        names_config.stop_word_min_frequency,
        tuple(getattr(names_config, "product_names", ())),
        bool(getattr(names_config, "places", True)),
    )
    return shared_matcher(key)


_CUE_GAP = re.compile(r"[ \t]*[:,]?[ \t]*")
_AFTER_CUE = re.compile(
    rf"[ \t]*[:,]?[ \t]*(?P<first>{_WORD}(?:-{_WORD})?)[ \t]+(?P<last>{_SURNAME_WORD}(?:-{_SURNAME_WORD})?)(?![\w@-]|\.\w)"
)


# a title's surname: an optional academic title, one capitalised word, no second name word after it
_AFTER_TITLE = re.compile(
    rf"[ \t]+(?:(?:Dr|Prof|Dipl\.-Ing)\.?[ \t]+)?(?P<last>{_SURNAME_WORD}(?:-{_SURNAME_WORD})?)(?![\w@-]|\.\w|[ \t]+[{_UPPER}])"
)


# "Surname, First" filling a cell of an export or a form line ("Weber, Anna" between delimiters,
# '"Berg,Jan"' in a CSV, "| Name: Weber, Anna |" in a rendered sheet, a row starting "Krause, Till;"): the inverted order of staff lists and payroll files
_INVERTED = re.compile(
    rf"(?:(?<=[;|\t\"])[ \t]*(?:[{_UPPER}][\w.-]{{1,15}}:[ \t]*)?(?P<last>{_SURNAME_WORD}(?:-{_SURNAME_WORD})?),[ \t]?(?P<first>{_WORD}(?:-{_WORD})?)"
    r"[ \t]*(?=$|[;|\t\"])"
    rf"|^[ \t]*(?P<last2>{_SURNAME_WORD}(?:-{_SURNAME_WORD})?),[ \t]?(?P<first2>{_WORD}(?:-{_WORD})?)[ \t]*(?=[;|\t]))",
    re.MULTILINE,
)
# words before a comma and a first name that open or close a message, not a surname
_GREETINGS = frozenset(
    "hi hello hey dear thanks cheers hallo hej hejsan tack mvh hälsningar liebe lieber danke moin servus grüße gruß".split()
)


def written_forms(words: list[str]) -> frozenset[str]:
    """The case a title is written in: as listed, and a lower-case one ("fru") also capitalised
    at a sentence's start ("Fru"); "MX" or "mr" are no title."""
    forms = set(words)
    forms.update(w[:1].upper() + w[1:] for w in words if w[:1].islower())
    return frozenset(forms)


class PersonNameRecognizer(BridgeRecognizer):
    """PERSON from the name list; needs the ``matcher`` set by the builder.

    A cue right before a name (``options.cue_words``: Herr, Frau, Fru, Mr, Ms, colleague,
    Kollegin, kollega ...) makes it a person for sure (``cue_score``), and also finds a full
    name whose first name the list lacks ("Kollegin Oluwaseun Adeyemi").
    """

    ENTITY = "PERSON"

    def __init__(self, *args: Any, matcher: NameMatcher, **kwargs: Any) -> None:
        self.matcher = matcher
        super().__init__(*args, **kwargs)
        cues = self.options.get("cue_words") or {}
        words = [w for lang_words in cues.values() for w in lang_words or []] if isinstance(cues, dict) else []
        self.cue_words = ContextWords(words)
        self.cue_score = float(self.options.get("cue_score", 0.7))
        # options.title_words: a title and a surname alone ("Frau Krause", "Mr Smith") are a person too
        titles = self.options.get("title_words") or {}
        self.title_words = ContextWords([w for ws in titles.values() for w in ws or []] if isinstance(titles, dict) else [])
        self.title_score = float(self.options.get("title_score", self.cue_score))
        self.title_forms = written_forms(self.title_words.words)
        # options.split_name_columns: a table row's first-name and last-name cells are one full name
        split = self.options.get("split_name_columns") or {}
        self.split_names = SplitNameColumns(
            split.get("first") or (), split.get("last") or (), split.get("surname_beside_first") or (),
            split.get("placeholders") or (), matcher.not_surnames,
        ) if isinstance(split, dict) else SplitNameColumns((), ())
        self.split_score = float(self.options.get("split_name_score", self.cue_score))

    def _cue_before(self, text: str, start: int) -> str | None:
        found = self.cue_words.nearest_before(text, start, 24, gap=_CUE_GAP)
        return found[1] if found else None

    def _cued_unknown_names(self, text: str, taken: list[tuple[int, int]]) -> Iterator[Candidate]:
        if self.cue_words.regex is None:
            return
        products = self.matcher.product_spans(text)
        for cue in self.cue_words.regex.finditer(text):
            match = _AFTER_CUE.match(text, cue.end())
            if match is None:
                continue
            start, end = match.start("first"), match.end("last")
            first, last = match.group("first"), match.group("last")
            if any(s < end and start < e for s, e in taken):
                continue
            folded = first.casefold()
            if folded in self.matcher.stops or folded in self.matcher.not_first:
                continue
            if not self.matcher.surname_ok(last, first) or self.matcher.is_company(text, end):
                continue
            if self.matcher.not_a_person(text, start, end, products):
                continue
            yield Candidate(start, end, self.cue_score, f"full name after the cue '{cue.group(0)}'")

    def _titled_surnames(self, text: str, taken: list[tuple[int, int]]) -> Iterator[Candidate]:
        """"Frau Krause", "Mr Smith", "Herr Dr. Meyer": a title and a surname name one person."""
        if self.title_words.regex is None:
            return
        products = self.matcher.product_spans(text)
        for title in self.title_words.regex.finditer(text):
            if title.group(0) not in self.title_forms:
                continue  # "MX Keys", "HERR-Modul": a title counts only in its written case
            match = _AFTER_TITLE.match(text, title.end())
            if match is None:
                continue
            start, end = match.span("last")
            last = match.group("last")
            if any(s < end and start < e for s, e in taken):
                continue
            folded = last.casefold()
            if folded in self.matcher.stops or folded in self.matcher.not_first or self.matcher.is_first_name(last):
                continue  # "Frau Anna" is a first name only
            if not self.matcher.surname_ok(last, None) or self.matcher.is_company(text, end):
                continue
            if self.matcher.not_a_person(text, start, end, products):
                continue
            taken.append((start, end))
            yield Candidate(start, end, self.title_score, f"surname after the title '{title.group(0)}'")

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        score = float(self.options.get("base_score", 0.6))
        taken: list[tuple[int, int]] = []
        if tabular and self.split_names.enabled:
            for name in self.split_names.find(text):
                taken.append((name.start, name.end))
                yield Candidate(name.start, name.end, self.split_score, SPLIT_NOTE, value=name.value)
        for start, end, note in self.matcher.find(text):
            taken.append((start, end))
            cue = self._cue_before(text, start) if self.cue_words.regex is not None else None
            if cue is not None:
                yield Candidate(start, end, max(score, self.cue_score), f"{note}; cue '{cue}'")
            else:
                yield Candidate(start, end, score, note)
        yield from self._inverted_names(text, taken, score)
        yield from self._cued_unknown_names(text, taken)
        yield from self._titled_surnames(text, taken)

    def _inverted_names(self, text: str, taken: list[tuple[int, int]], score: float) -> Iterator[Candidate]:
        """"Weber, Anna" as a whole cell or form value: a surname, a comma, a listed first name."""
        if "," not in text:
            return
        products = self.matcher.product_spans(text)
        for match in _INVERTED.finditer(text):
            key = "" if match.group("last") else "2"
            start, end = match.start("last" + key), match.end("first" + key)
            first, last = match.group("first" + key), match.group("last" + key)
            if last.casefold() in self.matcher.stops or last.casefold() in _GREETINGS:
                continue  # "Hallo, Anna" is a greeting
            if any(s < end and start < e for s, e in taken):
                continue
            if not self.matcher.is_first_name(first) or self.matcher.is_first_name(last):
                continue  # "Anna, Maria": a list of first names, not one person
            if not self.matcher.surname_ok(last, first) or self.matcher.not_a_person(text, start, end, products):
                continue
            taken.append((start, end))
            yield Candidate(start, end, score, "surname, first name from name list (inverted order)")


class SpacyPersonRecognizer(BridgeRecognizer):
    """PERSON entities of the spaCy model that look like a full name and not like a company."""

    ENTITY = "PERSON"

    def __init__(self, *args: Any, matcher: NameMatcher, **kwargs: Any) -> None:
        self.matcher = matcher
        super().__init__(*args, **kwargs)

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:  # pragma: no cover - analyze is overridden
        return iter(())

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, tabular: bool = False
    ) -> list[RecognizerResult]:
        if self.entity not in entities or nlp_artifacts is None:
            return []
        score = float(self.options.get("spacy_score", 0.5))
        out = []
        for ent in nlp_artifacts.entities:
            if ent.label_ not in ("PERSON", "PER"):
                continue
            words = ent.text.split()
            if len(words) < 2 or len(words) > 4 or "\n" in ent.text:
                continue
            if not all(re.fullmatch(rf"{_WORD}(?:-{_WORD})?|{_SURNAME_WORD}", w) for w in words):
                continue
            if words[0].casefold() in self.matcher.stops or not self.matcher.surname_ok(words[-1]):
                continue
            if self.matcher.is_company(text, ent.end_char):
                continue
            out.append(self._result(ent.start_char, ent.end_char, score, "spaCy PERSON entity"))
        return out
