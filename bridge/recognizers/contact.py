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
from functools import lru_cache
from typing import Any, Iterable, Iterator

import phonenumbers
import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from bridge.recognizers.base import DIGIT, BridgeRecognizer, Candidate

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
_DOTTED_NATIONAL = re.compile(r"0\d{2,4}(?:\.\d{2,4}){2,3}")
# Ofcom keeps 07700 900000-900999 for drama; phonenumbers calls them invalid, but people copy
# them from training material and test data as a person's mobile, in every format
_GB_DRAMA_MOBILE = re.compile(r"(?:(?:\+|00)44[ .-]?(?:\(0\)[ .-]?)?|0)7700[ .-]?900[ .-]?\d{3}")
# a national number in digit groups ending in a hyphenated extension other than 0 ("0662 443 17-318"):
# a direct dial (Durchwahl), a person's own line; "-0" is the switchboard (an allow pattern)
_DIRECT_DIAL = re.compile(r"0\d{2,5}(?: \d{2,8})+-(?!0\b)\d{1,5}")
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = [str(r).upper() for r in self.options.get("regions", ["GB", "US", "SE", "DE"])]
        self.min_digits = int(self.options.get("min_digits", 7))
        self.max_digits = int(self.options.get("max_digits", 15))
        self.mobile_regions = {str(r).upper() for r in self.options.get("mobile_regions", [])}
        self.fixed_line_regions = {str(r).upper() for r in self.options.get("fixed_line_regions", [])}
        self.fixed_line_score = float(self.options.get("fixed_line_score", 0.4))

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
        for region in self.regions:
            if region in ("US", "CA"):
                if not (_US_SHAPE.fullmatch(value) or re.fullmatch(r"1?\d{10}", value)):
                    continue
            elif region in _TRUNK_REGIONS and not value.lstrip("(").startswith("0"):
                continue
            if phone_e164_candidates(value, (region,)):
                if not formatted:
                    for mobile_region in self.regions:
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

    def _only_fixed_line(self, value: str) -> bool:
        """Whether every valid reading of ``value`` in our regions is a fixed line: 0160-6069890 is
        a German mobile number even though it also reads as a British landline."""
        readings = 0
        for region in self.regions:
            if region in _TRUNK_REGIONS and not value.lstrip("(").startswith("0"):
                continue
            if region in ("US", "CA") and not _US_SHAPE.fullmatch(value):
                continue
            kind = _number_type(value, region)
            if kind is None:
                continue
            readings += 1
            if region not in self.fixed_line_regions or kind != phonenumbers.PhoneNumberType.FIXED_LINE:
                return False
        return readings > 0

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for match in _PHONE_CANDIDATE.finditer(text):
            start, end = match.span("v")
            value = text[start:end]
            if value.startswith("(") and ")" not in value:
                # "(026 79 4090)": the bracket encloses the number, it is no area-code bracket
                start += 1
                value = value[1:]
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


class IpAddressRecognizer(BridgeRecognizer):
    """IPv4/IPv6 addresses; emitted only with a personal context word (a home connection)."""

    ENTITY = "IP_ADDRESS"
    TRIGGER = re.compile(r"[\d:]")  # IPv4 has digits, IPv6 colons

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        for regex in (_IPV4, _IPV6):
            for match in regex.finditer(text):
                start, end = match.span("v")
                yield Candidate(start, end, float(self.options.get("base_score", 0.3)), "IP address", needs_context=True)
