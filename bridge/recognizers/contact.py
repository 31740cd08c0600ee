"""Email addresses, phone numbers and IP addresses.

Phone numbers are validated with ``phonenumbers`` against the regions in
``entities.PHONE_NUMBER.options.regions``. A number in national form must start with
the trunk prefix (0) outside North America, or have the North American shape; a bare
run of digits without a context word is not trusted (order and invoice numbers look
just like that).

IP addresses are an indirect identifier that only counts when it belongs to a person:
the recognizer needs a context word ("home", "laptop", "hemifrån", "zu Hause") and an
ignore word ("server", "gateway", "firmware") drops it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable, Iterator

import phonenumbers
import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bridge.findings import SOURCE_IN_SENTENCE_BEFORE
from bridge.recognizers.base import DIGIT, BridgeRecognizer, Candidate
from bridge.recognizers.context import SENTENCE_BREAK, ContextWords
from bridge.recognizers.names import NameMatcher

# The public suffix list shipped inside tldextract; never fetched (no network at start-up).
OFFLINE_TLD_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


# RFC 2606 / 6761 names for examples and tests: not in the public suffix list, but test data
# and fictional tickets put people's addresses there ("maja.lind@kommun.example")
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer with the suffix check done offline."""

    TRIGGER = re.compile("@")  # a text without one is not scanned (``Scanner``)

    def __init__(self, supported_language: str = "en", **kwargs: Any) -> None:
        kwargs.setdefault("name", "EmailRecognizer")
        super().__init__(supported_language=supported_language, **kwargs)

    def validate_result(self, pattern_text: str) -> bool:
        domain = pattern_text.rsplit("@", 1)[-1]
        return OFFLINE_TLD_EXTRACT(domain).suffix != "" or domain.rsplit(".", 1)[-1].casefold() in RESERVED_TLDS

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: int | None = None) -> list[Any]:
        """An address written as a log's ``key=value`` ("user=j.doe@example.com") starts after
        the ``=``: the key is no part of it (and would make it look like a message id)."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            local = text[result.start:result.end].rsplit("@", 1)[0]
            key = _LOG_KEY.match(local)
            bracketed = result.start > 0 and text[result.start - 1] == "<"  # <CAF3x9=Q7a@mail...>: a message id
            if key and key.end() < len(local) and not bracketed:
                result.start += key.end()
        return results


_LOG_KEY = re.compile(r"^(?:[A-Za-z][A-Za-z_.-]{1,30}=)+")  # letters only: "user=", "from=", "login_name="


# ----------------------------------------------------------------------------- phone

_PHONE_CANDIDATE = re.compile(
    r"(?<![\w@+./:-])"
    r"(?P<v>(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\(?\d[\d .\-/()]{3,16}\d"
    r"|\(?\d[\d .\-/()]{5,16}\d)"
    r"(?![\w@/]|[.,:-]\d)"
)
_DATE_SHAPE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,2}[./]\d{1,2}[./]?")
_US_SHAPE = re.compile(r"(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}")
_GROUP_SPLIT = re.compile(r"[ .\-/]+")
_DOTTED_NATIONAL = re.compile(r"0\d{2,4}(?:\.\d{2,4}){1,2}\.\d{2,6}")
# Ofcom keeps 07700 900000-900999 for drama; phonenumbers calls them invalid, but people copy
# them from training material and test data as a person's mobile, in every format
_GB_DRAMA_MOBILE = re.compile(r"(?:(?:\+|00)44[ .-]?(?:\(0\)[ .-]?)?|0)7700[ .-]?900[ .-]?\d{3}")
# a national number in digit groups ending in a hyphenated extension other than 0 ("0662 443 17-318"):
# a direct dial (Durchwahl), a person's own line; "-0" is the switchboard (an allow pattern)
_DIRECT_DIAL = re.compile(r"0\d{2,5}(?: \d{2,8})+-(?!0\b)\d{1,5}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_ROW_GAP = re.compile(r"[ \t]{1,8}")
_FIELD_END = re.compile(r"[,|·•–][ \t]*\Z")
# a national number with its trunk 0 in digit groups ("01 234 5678", "0171 2345678", "08-123 456 78")
_NATIONAL_GROUPED = re.compile(r"\(?0\d{1,4}\)?(?:[ /-]+\d{2,8}){1,4}")
# readings that are no person's own line: a fixed line, or a toll-free, premium, shared-cost or
# universal access number ("08-123 456 78" reads as an Austrian premium number too: no mobile)
_LINE_OF_A_COMPANY = frozenset({
    phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.UAN,
})
_TRUNK_REGIONS = {"GB", "SE", "DE", "IE", "FR", "AT", "CH", "NL", "NO", "DK", "FI"}


# phonenumbers' parse and validation were the largest share of a scan, and one value is read
# several times per ticket (scoring, mobile and fixed-line checks, ownership): the readings are
# kept per (value, region), in memory only, bounded
@lru_cache(maxsize=4096)
def _valid_reading(value: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """``value`` parsed in ``region`` when that is a valid number, else None."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@lru_cache(maxsize=4096)
def _e164(value: str, region: str | None) -> str | None:
    number = _valid_reading(value, region)
    return None if number is None else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def _number_type(value: str, region: str) -> int | None:
    """The phonenumbers type of ``value`` read in ``region`` when valid, else None."""
    number = _valid_reading(value, region)
    return None if number is None else int(phonenumbers.number_type(number))


def phone_e164_candidates(text: str, regions: Iterable[str]) -> set[str]:
    """All E.164 readings of ``text`` that are valid numbers in one of ``regions``."""
    out: set[str] = set()
    raw = text.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    for region in (None,) if raw.startswith("+") else tuple(regions):
        e164 = _e164(raw, region)
        if e164 is not None:
            out.add(e164)
    return out


def _is_mobile(value: str, region: str) -> bool:
    """Whether ``value`` read in ``region`` is a valid mobile number (not fixed line, not "either")."""
    if region in _TRUNK_REGIONS and not value.startswith("0"):
        return False
    return _number_type(value, region) == phonenumbers.PhoneNumberType.MOBILE


class PhoneRecognizer(BridgeRecognizer):
    """Phone numbers in national and international formats (phonenumbers validation)."""

    ENTITY = "PHONE_NUMBER"
    TRIGGER = DIGIT

    def __init__(self, *args: Any, matcher: NameMatcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = [str(r).upper() for r in self.options.get("regions", ["GB", "US", "SE", "DE"])]
        # options.more_regions: read after ``regions``, only for a number none of those reads
        self.more_regions = [str(r).upper() for r in self.options.get("more_regions", [])]
        # options.sentence_cues (words of every language) and options.sentence_with_full_name:
        # a national number in digit groups in a sentence about a named person or an on-call
        # list ("add 030 1234567 to the on-call list for <name>") is that person's number
        cues = self.options.get("sentence_cues") or {}
        self.sentence_cues = ContextWords([w for words in cues.values() for w in words] if isinstance(cues, dict) else [])
        self.name_matcher = matcher if self.options.get("sentence_with_full_name") else None
        self.sentence_cue_score = float(self.options.get("sentence_cue_score", 0.55))
        self.min_digits = int(self.options.get("min_digits", 7))
        self.max_digits = int(self.options.get("max_digits", 15))
        self.mobile_regions = {str(r).upper() for r in self.options.get("mobile_regions", [])}
        self.fixed_line_regions = {str(r).upper() for r in self.options.get("fixed_line_regions", [])}
        self.fixed_line_score = float(self.options.get("fixed_line_score", 0.4))
        # options.possible_international_score: an international number of one of our regions that has
        # the right length but no assigned range ("+353 91 555 0123": made up, or a range the metadata
        # lacks) counts with this score, and only with a context word ("the personal number ...")
        self.possible_score = float(self.options.get("possible_international_score", 0) or 0)
        self.country_codes = {
            phonenumbers.country_code_for_region(r) for r in [*self.regions, *self.more_regions]
        } - {0}

    def _score(self, value: str) -> tuple[float, str] | None:
        digits = sum(ch.isdigit() for ch in value)
        if not self.min_digits <= digits <= self.max_digits:
            return None
        if _DATE_SHAPE.fullmatch(value):
            return None
        if _GB_DRAMA_MOBILE.fullmatch(value):
            return 0.55, "GB mobile number (Ofcom's range for drama and examples)"
        international = value.startswith(("+", "00"))
        if international:
            if phone_e164_candidates(value, ()):
                return 0.6, "valid international number"
            return None
        formatted = bool(re.search(r"[ .\-/()]", value))
        if "." in value and not _US_SHAPE.fullmatch(value):
            # dotted digit groups are versions and IPs unless shaped like 646.201.4262 or a
            # national number with its trunk 0 in groups of two or more ("0161.496.0703")
            if not _DOTTED_NATIONAL.fullmatch(value):
                return None
            value = value.replace(".", " ")
        for region in [*self.regions, *self.more_regions]:
            if region in ("US", "CA"):
                if not (_US_SHAPE.fullmatch(value) or re.fullmatch(r"1?\d{10}", value)):
                    continue
            elif region in _TRUNK_REGIONS and not value.lstrip("(").startswith("0"):
                continue
            if phone_e164_candidates(value, (region,)):
                if not formatted:
                    for mobile_region in [*self.regions, *self.more_regions]:
                        if mobile_region in self.mobile_regions and _is_mobile(value, mobile_region):
                            return 0.55, f"valid {mobile_region} mobile number"
                if (
                    formatted
                    and region in self.fixed_line_regions
                    and not _DIRECT_DIAL.fullmatch(value)
                    and self._only_fixed_line(value)
                ):
                    # a switchboard as often as a person's line: needs a context word
                    return self.fixed_line_score, f"valid {region} fixed-line number"
                return (0.55 if formatted else 0.4), f"valid {region} number"
        return None

    def _possible_international(self, value: str) -> bool:
        """A "+"/"00" number in digit groups with a country code of our regions and a possible length."""
        if not value.startswith(("+", "00")) or not re.search(r"\d[ .\-/]\d", value):
            return False
        digits = sum(ch.isdigit() for ch in value)
        if not self.min_digits <= digits <= self.max_digits:
            return False
        try:
            number = phonenumbers.parse("+" + value[2:] if value.startswith("00") else value, None)
        except phonenumbers.NumberParseException:
            return False
        return number.country_code in self.country_codes and phonenumbers.is_possible_number(number)

    def _only_fixed_line(self, value: str) -> bool:
        """Whether every valid reading of ``value`` in our regions is a fixed line: 0160-6069890 is
        a German mobile number even though it also reads as a British landline. The regions of
        options.more_regions are read only when none of the first ones reads it: "08-123 456 78"
        is a Stockholm line, though it reads as an Irish mobile too."""
        first = self._fixed_in(value, self.regions)
        return first if first is not None else bool(self._fixed_in(value, self.more_regions))

    def _fixed_in(self, value: str, regions: list[str]) -> bool | None:
        """Whether every valid reading in ``regions`` is a company's line; None: no reading."""
        readings = 0
        for region in regions:
            if region in _TRUNK_REGIONS and not value.lstrip("(").startswith("0"):
                continue
            if region in ("US", "CA") and not _US_SHAPE.fullmatch(value):
                continue
            kind = _number_type(value, region)
            if kind is None:
                continue
            readings += 1
            if region not in self.fixed_line_regions or kind not in _LINE_OF_A_COMPANY:
                return False
        return True if readings else None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, tabular: bool = False
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, tabular)
        if self.sentence_cues.regex is None and self.name_matcher is None:
            return results
        out = []
        for result in results:
            value = text[result.start : result.end]
            if result.score < self.sentence_cue_score and _NATIONAL_GROUPED.fullmatch(value):
                cue = self._sentence_cue(text, result.start, result.end)
                if cue is not None:
                    note = result.analysis_explanation.textual_explanation if result.analysis_explanation else ""
                    result = self._result(result.start, result.end, self.sentence_cue_score, f"{note}; {cue}")
            out.append(result)
        return out

    def _sentence_cue(self, text: str, start: int, end: int) -> str | None:
        """Why the sentence around ``text[start:end]`` makes it a person's number, or None."""
        begin = 0
        for brk in SENTENCE_BREAK.finditer(text, max(0, start - 300), start):
            begin = brk.end()
        stop = SENTENCE_BREAK.search(text, end)
        sentence_end = min(stop.start() if stop else len(text), end + 300)
        sentence = text[begin:sentence_end]
        if self.sentence_cues.regex is not None:
            match = self.sentence_cues.regex.search(sentence)
            if match is not None:
                return f"an on-call or list word in its sentence '{match.group(0).strip()}'"
        if self.name_matcher is not None:
            for n_start, n_end, _ in self.name_matcher.find(sentence):
                # words between name and number: prose about the person. A number after the name as the
                # last field of a list ("<name> | 08-123 45 67", "<name>, <role>, <company>, 08-...") is
                # a contact line, a signature's, whose company number it often is
                if begin + n_end <= start:
                    a, b = begin + n_end, start
                    if _FIELD_END.search(text, a, b):
                        continue
                else:
                    a, b = end, begin + n_start
                if _WORD.search(text, a, b):
                    return "a full name in its sentence"
                if begin + n_end <= start and _ROW_GAP.fullmatch(text, a, b):
                    # "Escalation 1: <first> <last>  028 7155 0931": a list row, name and number apart
                    # only by spaces or a tab on one line; a signature puts them on separate lines
                    return "a full name right before it on its line"
        return None

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for match in _PHONE_CANDIDATE.finditer(text):
            start, end = match.span("v")
            value = text[start:end]
            if value.startswith("(") and ")" not in value:
                # "(026 79 4090)": the bracket encloses the number, it is no area-code bracket
                start += 1
                value = value[1:]
            if self.possible_score and self._score(value) is None and self._possible_international(value):
                yield Candidate(start, start + len(value), self.possible_score,
                                "possible international number (no assigned range)", needs_context=True)
                continue
            while True:
                scored = self._score(value)
                if scored is not None:
                    yield Candidate(start, start + len(value), scored[0], scored[1])
                    break
                # a number run together with what follows ("... 23 89 2 gånger"): drop the last group
                pieces = list(_GROUP_SPLIT.finditer(value))
                if not pieces:
                    break
                value = value[: pieces[-1].start()].rstrip(" (")
                if sum(ch.isdigit() for ch in value) < self.min_digits:
                    break


# ----------------------------------------------------------------------------- IP

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.:-])(?P<v>{_OCTET}(?:\.{_OCTET}){{3}})(?![\w:-]|\.\w)")
_IPV6 = re.compile(r"(?<![\w:.])(?P<v>(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:?){1,6})(?![\w:])")


SOURCE_IN_SENTENCE = "where a person named in its sentence connects from"
SOURCE_OF_LOGIN = "where the login of a person named in the text comes from (its log line's user)"
_SOURCE_GAP = re.compile(r"[ \t:=]*")
# the user of a log line: "user=lbrenner", "login=j.okafor", "uid=anna.berg"
_LOG_USER = re.compile(r"\b(?:user(?:name)?|login|uid|account|usr)[=:][ \t]*[\"']?(?P<u>[\w.@-]{3,40})", re.IGNORECASE)


def _fold_login(word: str) -> str:
    """'Brenner' -> 'brenner', 'Öztürk' -> 'ozturk': an account name's letters."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class IpAddressRecognizer(BridgeRecognizer):
    """IPv4/IPv6 addresses; emitted only with a personal context word (a home connection)."""

    ENTITY = "IP_ADDRESS"
    TRIGGER = re.compile(r"[\d:]")  # IPv4 has digits, IPv6 colons

    def __init__(self, *args: Any, matcher: NameMatcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # options.source_words: per language, words right before the address that make it where someone
        # connects from ("from", "från", "von"); they count only when a full name stands earlier in the
        # same sentence and no ignore word in between ("<first> <last> cannot reach the portal from <ip>")
        words = self.options.get("source_words") or {}
        self.source_words = ContextWords([w for ws in words.values() for w in ws] if isinstance(words, dict) else [])
        self.name_matcher = matcher if self.source_words.regex is not None else None

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for regex in (_IPV4, _IPV6):
            for match in regex.finditer(text):
                start, end = match.span("v")
                named = self._named_source(text, start)
                if named == SOURCE_IN_SENTENCE_BEFORE and self.context_verdict(text, start, end)[0] == "boost":
                    named = ""  # "..., which is his home broadband": its own context word says more
                if named:
                    yield Candidate(start, end, float(self.options.get("source_score", 0.65)), named, context_free=True)
                    continue
                yield Candidate(start, end, float(self.options.get("base_score", 0.3)), "IP address", needs_context=True)

    def _login_of_named_person(self, text: str, start: int) -> bool:
        """The address's log line names a user whose account name is a full name of the text
        ("user=lbrenner src=91.64.118.203" and "Lukas Brenner" above it)."""
        if self.name_matcher is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line = text[line_start: len(text) if line_end == -1 else line_end]
        users = {_fold_login(m.group("u").split("@")[0]) for m in _LOG_USER.finditer(line)}
        if not users:
            return False
        for n_start, n_end, _ in self.name_matcher.find(text):
            words = [_fold_login(w) for w in text[n_start:n_end].split()]
            if len(words) < 2:
                continue
            first, last = words[0], words[-1]
            forms = {first[0] + last, f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}", f"{first}_{last}",
                     f"{first}-{last}", f"{last}.{first}", f"{last}{first[0]}"}
            if users & forms:
                return True
        return False

    def _named_source(self, text: str, start: int) -> str:
        """Why the address is where a named person connects from ('' when it is not): a source word
        right before it and a full name earlier in its sentence, or in the sentence before
        (SOURCE_IN_SENTENCE_BEFORE, weak evidence), with no ignore word between."""
        if self.name_matcher is None:
            return ""
        word = self.source_words.nearest_before(text, start, 12, _SOURCE_GAP, same_clause=True)
        if word is None:
            return ""
        if self._login_of_named_person(text, start):
            return SOURCE_OF_LOGIN
        breaks = [brk for brk in SENTENCE_BREAK.finditer(text, max(0, start - 400), start)]
        begin = breaks[-1].end() if breaks else max(0, start - 400)
        names = list(self.name_matcher.find(text[begin:start]))
        note = SOURCE_IN_SENTENCE
        if not names and breaks and "\n\n" not in text[breaks[-1].start():start]:
            # "Der Login von <name> wird gesperrt. Laut Log kommen die Fehlversuche von 91.64.213.77"
            begin = breaks[-2].end() if len(breaks) > 1 else max(0, start - 400)
            if "\n\n" in text[begin:start]:
                return ""
            names = list(self.name_matcher.find(text[begin:start]))
            note = SOURCE_IN_SENTENCE_BEFORE
        if not names:
            return ""
        # no server, gateway or printer word between the name and the address
        between = start - (begin + names[-1][1])
        if self.ignore_words.all_before(text, start, between, same_clause=note == SOURCE_IN_SENTENCE):
            return ""
        return note
