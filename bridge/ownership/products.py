"""Products named like people: "Frida Flex 4.17.3", "Otto Plan build 6.15.5", "Update auf Greta Time".

A capitalised pair whose first word is a first name reads as a person. Followed by a version
("v7.5.7", "build 3.2.9", "6.15.5", "Version 2") or after an update word ("update to", "Update
auf", "uppdateringen till") anywhere in the ticket, it is a product, and so is the same pair
wherever else it stands in the ticket (the subject "Frida Flex keeps logging me out"). So is a
pair in a form's product field ("Produkt: ..."), after an app or system noun ("Appen ..."),
before a product word ("... Portal"), as the sender of an automated message, or as the place one
works "in" ("i ...", "im ...").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from bridge.findings import Finding
from bridge.ownership.holders import SYSTEM, THIRD_PARTY
from bridge.ownership.text import fold
from bridge.platform import Ticket

WHY = "a product's name (a version, an update word, a product field or word stands beside it in the ticket)"
_PAIR = r"(?P<name>[A-ZÅÄÖÜ][\w-]+[ \t]+[A-ZÅÄÖÜ][\w-]+)"
_VERSION_AFTER = re.compile(
    _PAIR + r"[ \t]+(?:(?:build|version|Version|release|Release|rel\.?|ver\.?|v\.?)[ \t]*)?v?\d+(?:\.\d+){1,3}\b"
)
_UPDATE_BEFORE = re.compile(
    r"(?i:update\s+(?:to|of)|upgrade\s+(?:to|of)|updated\s+to|upgraded\s+to|update\s+auf|upgrade\s+auf|"
    r"aktualisierung\s+auf|uppdateringen\s+(?:till|av)|uppgraderingen\s+(?:till|av)|uppdatering\s+till|"
    r"uppgradering\s+till)\s+" + _PAIR
)


# a product field of a form or a notification ("Produkt: Elsa Tidrapport", "Product: ...")
_FIELD_BEFORE = re.compile(
    r"(?im:^[ \t]*(?:product|produkt|application|applikation|anwendung|system|software|modul|module)[ \t]*:[ \t]*)"
    + _PAIR
)
# an app, a system or a portal named by the pair ("Appen Vera Bemanning", "the app Nora Care")
_NOUN_BEFORE = re.compile(
    r"(?<![\w-])(?i:app|appen|the app|die app|der app|systemet|verktyget|plattformen|portalen|programmet|tjänsten|"
    r"the system|the tool|the platform|the portal|das system|die software|das tool|die plattform|das portal)[ \t]+"
    + _PAIR
)
# a product word right after the pair ("Mabel Parent Portal", "Nora Care Planner")
_PRODUCT_WORD_AFTER = re.compile(
    _PAIR + r"[ \t]+(?:Portal|Planner|Planer|Suite|Cloud|Manager|Connect|Hub|Online|Mobile|Web|App|Appen)\b"
)
# mail the pair sends itself ("an automated message from Edith Cover", "Automatische Nachricht von ...")
_SENDER_BEFORE = re.compile(
    r"(?i:automated message from|automatic message from|automatiskt meddelande från|automatisk avisering från|"
    r"automatische nachricht von|automatisch erzeugte nachricht von|skickades automatiskt av|sent automatically by)"
    r"[ \t]+" + _PAIR
)
# working "in" the pair: "i Elsa Tidrapport", "in Winston Permits", "im Emil Zutritt" (not "in Anna Berg's team")
_INSIDE_BEFORE = re.compile(r"(?<![\w-])(?:in|i|im|via)[ \t]+" + _PAIR + r"(?![\w'’-]|[ \t]+(?:och|and|und)\b)")


def product_names(texts: Iterable[str]) -> frozenset[str]:
    """The folded name pairs the texts show to be products."""
    found: set[str] = set()
    for text in texts:
        for regex in (_VERSION_AFTER, _UPDATE_BEFORE, _FIELD_BEFORE, _NOUN_BEFORE, _PRODUCT_WORD_AFTER, _SENDER_BEFORE,
                      _INSIDE_BEFORE):
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
