"""Products named like people: "Frida Flex 4.17.3", "Otto Plan build 6.15.5", "Update auf Greta Time".

A capitalised pair whose first word is a first name reads as a person. Followed by a version
("v7.5.7", "build 3.2.9", "6.15.5", "Version 2") or after an update word ("update to", "Update
auf", "uppdateringen till") anywhere in the ticket, it is a product, and so is the same pair
wherever else it stands in the ticket (the subject "Frida Flex keeps logging me out").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from bridge.findings import Finding
from bridge.ownership.text import fold
from bridge.platform import Ticket

SYSTEM = "system"
THIRD_PARTY = "third_party"
WHY = "a product's name (a version number or an update word stands beside it in the ticket)"
_PAIR = r"(?P<name>[A-ZÅÄÖÜ][\w-]+[ \t]+[A-ZÅÄÖÜ][\w-]+)"
_VERSION_AFTER = re.compile(
    _PAIR + r"[ \t]+(?:(?:build|version|Version|release|Release|rel\.?|ver\.?|v\.?)[ \t]*)?v?\d+(?:\.\d+){1,3}\b"
)
_UPDATE_BEFORE = re.compile(
    r"(?i:update\s+(?:to|of)|upgrade\s+(?:to|of)|updated\s+to|upgraded\s+to|update\s+auf|upgrade\s+auf|"
    r"aktualisierung\s+auf|uppdateringen\s+(?:till|av)|uppgraderingen\s+(?:till|av)|uppdatering\s+till|"
    r"uppgradering\s+till)\s+" + _PAIR
)


def product_names(texts: Iterable[str]) -> frozenset[str]:
    """The folded name pairs the texts show to be products."""
    found: set[str] = set()
    for text in texts:
        for regex in (_VERSION_AFTER, _UPDATE_BEFORE):
            found.update(fold(m.group("name")) for m in regex.finditer(text))
    return frozenset(found)


def products_named_like_people(findings: Iterable[Finding], ticket: Ticket) -> list[Finding]:
    """``findings`` (annotated) with third-party PERSON findings that name a product given to a system."""
    findings = list(findings)
    if not any(f.entity_type == "PERSON" and f.holder == THIRD_PARTY for f in findings):
        return findings
    products = product_names((ticket.subject or "", ticket.body or ""))
    if not products:
        return findings
    return [
        replace(f, holder=SYSTEM, holder_why=WHY, excluded=WHY)
        if f.entity_type == "PERSON" and f.holder == THIRD_PARTY and fold(f.value) in products else f
        for f in findings
    ]
