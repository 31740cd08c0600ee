"""Street addresses in UK, US, Swedish and German forms.

UK/US: house number, street name, street type ("85 High Street", "5614 Martin Lane"),
optionally a flat, the town and a postcode / ZIP. SE/DE: street name with its type
joined on ("Gengatan 72", "Müllergasse 51a", "Wencke-Holzapfel-Weg 83b"), optionally
"831 32 Kalmar" / "89980 Artern". A full address scores higher than a street alone;
a bare "12 Park Road" needs a context word ("lives at", "bor på", "wohnt").
The street-type words are language data; ``options.extra_street_types`` adds more.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from bridge.recognizers.base import DIGIT, BridgeRecognizer, Candidate

# USPS / Royal Mail street designators (common ones; full words and abbreviations)
# Unmistakable street words: "14 Albion Crescent" counts without a context word.
EN_STRONG_STREET_TYPES = (
    "Street Road Lane Avenue Close Drive Crescent Boulevard Blvd Terrace Gardens Court Place Grove Mews "
    "Square Parkway Highway Estate Estates"
).split()
EN_STREET_TYPES = (
    "Street St Road Rd Lane Ln Avenue Ave Av Close Drive Dr Way Court Ct Place Pl Crescent Cres "
    "Gardens Gdns Terrace Ter Grove Hill Park Square Sq Row Mews Walk Green Rise View Parade Boulevard Blvd "
    "Highway Hwy Parkway Pkwy Circle Cir Trail Trl Path Pike Plaza Ridge Run Heights Hts Estate Estates "
    "Crossing Loop Point Pointe Pass Manor Meadow Meadows Harbor Harbour Haven Hollow Junction Jct Knoll "
    "Landing Mill Mills Orchard Pines Port Shore Shores Springs Summit Turnpike Valley Village Vista Wynd "
    "Expressway Freeway Causeway Alley Bypass Ford Fort Glen Grange Brae Chase Embankment Wharf Quay"
).split()
SE_STREET_TYPES = "gatan gata vägen väg gränd gränden stigen stig torget torg backe backen allén allé leden platsen vägen".split()
DE_STREET_TYPES = (
    "straße strasse str. weg gasse allee platz ring damm ufer chaussee steig pfad graben stieg twiete kai "
    "promenade zeile"
).split()

_CAP = r"[A-ZÅÄÖÜÉ][a-zåäöüéèßøæ'’]+"
# a town of one or two words, hyphenated ones included ("Shoreham-by-Sea", "Stratford-upon-Avon")
_EN_TOWN = rf"{_CAP}(?:-(?:[a-z]{{1,4}}-)?{_CAP})*(?:[ \t]{_CAP}(?:-(?:[a-z]{{1,4}}-)?{_CAP})*)?"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_US_STATE_ZIP = r"[A-Z]{2}\s\d{5}(?:-\d{4})?"
_HOUSE_NO = r"\d{1,4}\s?[A-Za-z]?(?![\w])"
# US compass prefix before the street name: "604 W Jefferson Blvd", "12 North Main Street"
_COMPASS = r"(?:(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\.?\s)?"
# German streets named with a preposition and any noun ("Am Rosengarten 5", "In der Aue 3"):
# only with postcode and town, since "Im Januar 3 Fehler" has the same shape
_DE_PREPOSITIONS = (
    r"(?:Am|An\sder|An\sden|Im|In\sder|In\sden|Auf\sder|Auf\sdem|Zum|Zur|Unter\sden|Hinter\sder|Vor\sdem)"
    r"\s(?!(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    r"|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Jahr|Monat)\b)"
)


# "Am Mühlbach 54 in Rosenheim", "Hauptstraße 5 in Köln", "Storgatan 5 i Malmö": the town after
# "in"/"i" instead of a postcode. Not "in Betrieb", "in Bearbeitung": no common noun as the town.
_IN_TOWN = (
    r"(?P<intown>\s(?:in|i)\s"
    r"(?!(?:Betrieb|Ordnung|Arbeit|Gebrauch|Zukunft|Summe|Folge|Kürze|Reparatur|Wartung|Rechnung|Kraft"
    r"|Teams|Excel|Outlook|Windows|Produktion|Drift|Bruk|Kraft|Juni|Juli)\b)"
    r"[A-ZÅÄÖÜ][a-zåäöüéèßøæ]+(?<!ung)(?<!heit)(?<!keit)(?<!schaft)(?<!ion)(?:[ \t-]{1}[A-ZÅÄÖÜ][a-zåäöüéèßøæ]+(?<!ung))?"
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:ab|an|abholen|abgeholt|liefern|geliefert|schicken|geschickt|senden|gesendet|"
    r"hämta|hämtas|skicka|skickas|leverera|levereras|und|och|oder|eller)\b)))"
)
# nouns that follow "Am"/"Im" in tickets without being a street ("Im Lager 3 in Bremen")
_DE_NOT_STREET_NOUNS = (
    r"(?!(?:Standort|Werk|Lager|Terminal|Gebäude|Raum|Büro|Stock|Tor|Eingang|Ausgang|Haus|Halle|Schalter"
    r"|Empfang|Arbeitsplatz|Rechner|Server|Gerät|Telefon|Ende|Anfang|Wochenende|Tag|Abend|Morgen|Vormittag"
    r"|Nachmittag|Schnitt|Moment|Test|System|Netz|Team|Bereich|Bildschirm|Display|Monitor|Drucker|Standorten"
    r"|Schichtplan|Dienstplan|Kalender|Portal|Export|Import|Log|Protokoll|Menü|Fenster|Dialog|Feld|Wert"
    r"|Mitarbeiter|Kunden|Kunde|Artikel|Auftrag|Ticket)\b)"
)


# a flat or floor after the house number: "lgh 1102", "Whg. 4", "2 tr", "3. OG"
_APARTMENT = (
    r"(?:,?\s(?:(?:lgh|Lgh|LGH|lägenhet)\.?\s?\d{3,4}|(?:Whg|Wohnung|App|Apt)\.?\s?\d{1,4}[a-z]?"
    r"|\d{1,2}\s?tr\b\.?|\d{1,2}\.\s?(?:OG|Stock|Etage)\b))?"
)
# the town after a postcode: capitalised, and no noun a count stands before ("12345 Einträge")
_POST_TOWN = (
    r"(?!(?:Fälle|Fall|Ärenden|Einträge|Datensätze|Zeilen|Rader|Poster|Stück|Euro|Kronor|Dollar|Pfund|Mitarbeiter|Anställda"
    r"|Benutzer|Användare|Buchungen|Stunden|Timmar|Minuten|Minuter|Tage|Dagar|Fehler|Fel|Dateien|Filer"
    r"|Tickets|Records|Rows|Users|Items|Files|Errors|Entries|Kunden|Kunder|Artikel|Personen)\b)"
    rf"{_CAP}(?<!ung)(?<!ungen)(?<!heit)(?<!keit)(?<!ion)(?<!ionen)(?:[ \t-]{_CAP})?"
)
# words that stand before a number without being a street ("Version 3, 12345 ...", "Zeile 4")
_NOT_STREET_WORDS = (
    r"(?!(?:Version|Release|Build|Seite|Sida|Page|Zeile|Rad|Line|Row|Kapitel|Artikel|Article|Abschnitt|Punkt"
    r"|Schritt|Steg|Step|Ticket|Ärende|Order|Bestellung|Rechnung|Faktura|Invoice|Kund|Kunde|Customer|Konto"
    r"|Account|Nr|No|Nummer|Fehler|Fel|Error|Code|Kod|Period|Periode|Vecka|Woche|Week|Tabelle|Tabell"
    r"|Table|Kasse|Kassa|Terminal|Gerät|Enhet|Device|Server|Port|Raum|Rum|Room|Gate|Tor|Halle|Hall|Team|Lag"
    r"|Schicht|Pass|Shift|Gruppe|Grupp|Group|Level|Nivå|Stufe|Jan|Feb|Mar|Apr|Mai|Maj|May|Jun|Jul|Aug|Sep|Okt"
    r"|Oct|Nov|Dez|Dec|Januar|Januari|Februar|Februari|März|Mars|April|Juni|Juli|August|Augusti|September"
    r"|Oktober|November|Dezember|December)\b)"
)


# what the street-without-street-word form needs in a text: a number, then a comma or line break
# and a postcode; most texts have none, and the form is costly to try at every capital
_POSTCODE_AFTER_NUMBER = re.compile(r"\d[^\S\n]*(?:[a-z]\b|\d|tr\b|OG|Stock|Etage)?\.?[^\S\n]*(?:,|\n|[·•|])[^\d\n]{0,30}?"
                                    r"(?:(?:SE|S|D|DE)-)?(?:\d{3}\s\d{2}|\d{5})\s")


# a word naming the kind of address stands before the street, not in it ("Fakturaadressen Lagervägen 3",
# "Rechnungsanschrift Gewerbepark 3")
_NOT_ADDRESS_KIND = r"(?![\wåäöüéß]*(?:adress|adressen|adresse|anschrift|address)\s)"
# between street and postcode: a comma, a middle dot or a bar ("Gewerbepark 3 · 34123 Kassel")
_SEP = r"(?:,|[ \t]+[·•|])?\s"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def build_patterns(extra: list[str] | None = None) -> list[tuple[re.Pattern[str], str]]:
    extra = extra or []
    en_types = _alternation(EN_STREET_TYPES + [w for w in extra if w[:1].isupper()])
    se_types = _alternation(SE_STREET_TYPES + [w for w in extra if w[:1].islower()])
    de_types = _alternation(DE_STREET_TYPES + [w for w in extra if w[:1].islower()])
    en = re.compile(
        r"(?<![\w-])(?P<v>"
        r"(?:(?:Flat|Apartment|Apt\.?|Unit|Suite)\s\d{1,4}[A-Za-z]?,?\s)?"
        rf"\d{{1,5}}[A-Za-z]?,?\s{_COMPASS}(?:{_CAP}\s){{1,3}}(?:{en_types})\b\.?"
        rf"(?P<town>,?\s{_EN_TOWN})?"
        rf"(?P<post>,?\s(?:{_UK_POSTCODE}|{_US_STATE_ZIP}))?"
        r")(?![\w-])"
    )
    nordic_german = re.compile(
        r"(?<![\w-])(?P<v>"
        rf"(?:{_NOT_ADDRESS_KIND}{_CAP}[ ])?[A-ZÅÄÖÜ][\wåäöüéß-]*?(?i:{se_types}|{de_types})"
        r"[ \t]\d{1,4}(?:[ \t]?(?!i\s)[A-Za-z])?(?![\w])"
        rf"(?:(?P<post>{_APARTMENT}{_SEP}(?:\d{{3}}\s?\d{{2}}|\d{{5}})\s{_CAP}(?:[ \t-]{_CAP})?)|{_IN_TOWN})?"
        r")(?![\w-])"
    )
    de_separate = re.compile(
        r"(?<![\w-])(?P<v>"
        rf"(?:Am|An der|Im|In der|Auf der|Zum|Zur|{_CAP})\s(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Ring|Damm|Ufer|Gasse|Markt|Berg|Hof|Graben)"
        r"\s\d{1,4}\s?[a-z]?(?![\w])"
        rf"(?P<post>{_SEP}\d{{5}}\s{_CAP}(?:[ \t-]{_CAP})?)?"
        r")(?![\w-])"
    )
    de_preposition = re.compile(
        r"(?<![\w-])(?P<v>"
        rf"{_DE_PREPOSITIONS}{_CAP}(?:-{_CAP})*"
        r"\s\d{1,4}\s?[a-z]?(?![\w])"
        rf"(?P<post>,?\s\d{{5}}\s{_CAP}(?:[ \t-]{_CAP})?)"
        r")(?![\w-])"
    )
    # the same with the town after "in" and no postcode, when the noun is no common ticket noun
    de_preposition_town = re.compile(
        r"(?<![\w-])(?P<v>"
        rf"{_DE_PREPOSITIONS}{_DE_NOT_STREET_NOUNS}{_CAP}(?:-{_CAP})*"
        r"\s\d{1,4}\s?[a-z]?(?![\w])"
        rf"{_IN_TOWN}"
        r")(?![\w-])"
    )
    # "27 Kingsway, Cardiff CF10 3AN": a postcode makes the address without a street word
    en_postcode = re.compile(
        r"(?<![\w-])(?P<v>"
        r"(?:(?:Flat|Apartment|Apt\.?|Unit|Suite)\s\d{1,4}[A-Za-z]?,?\s)?"
        rf"\d{{1,5}}[A-Za-z]?,?\s{_COMPASS}(?:{_CAP}\s){{0,3}}{_CAP}"
        rf"(?P<town>,\s{_EN_TOWN})"
        rf"(?P<post>,?\s(?:{_UK_POSTCODE}|{_US_STATE_ZIP}))"
        r")(?![\w-])"
    )
    # "Västra Esplanaden 31 lgh 1102, 352 31 Växjö", "Kungstorget 2, 411 17 Göteborg", "Am Markt 3, 12345
    # Musterstadt": a street name without a street word, then a comma or a line break and the postcode and
    # town of the country's format make the address
    se_de_postcode = re.compile(
        r"(?<![\w-])(?P<v>"
        rf"(?:{_NOT_ADDRESS_KIND}{_NOT_STREET_WORDS}{_CAP}[ ]){{0,2}}{_NOT_STREET_WORDS}[A-ZÅÄÖÜ][\wåäöüéß-]*[a-zåäöüéß]"
        r"[ \t]\d{1,4}(?:[ \t]?[a-z])?(?![\w.:/-])"
        rf"(?P<post>{_APARTMENT}(?:,[ \t]*\n?|[ \t]*\n|[ \t]+[·•|][ \t]*)[ \t]*(?:(?:SE|S|D|DE)-)?(?:\d{{3}}\s\d{{2}}|\d{{5}})"
        rf"\s{_POST_TOWN})"
        r")(?![\w-])"
    )
    return [(en, "en"), (en_postcode, "en"), (nordic_german, "se/de"), (de_separate, "de"), (de_preposition, "de"),
            (de_preposition_town, "de"), (se_de_postcode, POSTCODE_FORM)]


POSTCODE_FORM = "se/de postcode"


class StreetAddressRecognizer(BridgeRecognizer):
    ENTITY = "STREET_ADDRESS"
    TRIGGER = DIGIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patterns = build_patterns(list(self.options.get("extra_street_types", [])))
        self.street_score = float(self.options.get("street_score", 0.45))
        self.strong_street_score = float(self.options.get("strong_street_score", 0.5))
        self.joined_street_score = float(self.options.get("joined_street_score", 0.55))
        self.full_score = float(self.options.get("full_address_score", 0.7))

    def candidates(self, text: str, tabular: bool = False) -> Iterator[Candidate]:
        seen: set[tuple[int, int]] = set()
        for pattern, form in self.patterns:
            if form == POSTCODE_FORM:
                if _POSTCODE_AFTER_NUMBER.search(text) is None:
                    continue
                form = "se/de"
            for match in pattern.finditer(text):
                start, end = match.span("v")
                value = text[start:end].rstrip(".,")
                end = start + len(value)
                if (start, end) in seen:
                    continue
                seen.add((start, end))
                in_town = bool(match.groupdict().get("intown"))
                full = bool(match.groupdict().get("post")) or bool(match.groupdict().get("town")) or in_town
                if full:
                    score = self.full_score
                elif form == "en":
                    strong = value.rstrip(".").rsplit(None, 1)[-1] in EN_STRONG_STREET_TYPES
                    score = self.strong_street_score if strong else self.street_score
                else:
                    score = self.joined_street_score
                yield Candidate(start, end, score, f"{form} street address" + (" with town/postcode" if full else ""))
