"""Phone numbers in national and international forms; switchboards and bare digit runs.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PHONE_NUMBER"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # phone numbers: GB, US, SE, DE, national and international
    ("en", "The best number for her is 0121 496 0311.", "0121 496 0311"),
    ("en", "He can be reached on +44 7911 123456.", "+44 7911 123456"),
    ("en", "Her phone is (646) 782-5829.", "(646) 782-5829"),
    ("en", "Call him on 1-646-599-0082 after 5.", "1-646-599-0082"),
    ("sv", "Han nås på 073-791 23 89.", "073-791 23 89"),
    ("sv", "Byte av mobilnummer till 0793442330", "0793442330"),
    ("de", "Erreichbar unter +49 (0)177 7361582.", "+49 (0)177 7361582"),
    ("de", "Handy 0152/96791344 bitte.", "0152/96791344"),
    ("en", "Invoice 5538012325 is overdue.", None),  # a bare digit run
    ("en", "Call our switchboard on 020 7946 0000 and ask for IT.", None),
    ("sv", "Växel: 031-46 00 00", None),
    ("de", "Unsere Zentrale erreichen Sie unter 0711 77041-0.", None),
    ("en", "Logged 2024-12-11 and build 2024.7.3 on 10.45.31.94.", None),
    # bare digit runs: a valid mobile number of GB/SE/DE counts; call words before a number
    ("en", "If anything is unclear you can get hold of Harry Clarke on 07700900461.", "07700900461"),
    ("en", "You can reach her on 2064201234 in the afternoon.", "2064201234"),
    ("sv", "Han kan nås på 0701740605 efter lunch.", "0701740605"),
    ("sv", "Slå en signal till Ingrid på 0317001234 innan ni åker dit.", "0317001234"),
    ("de", "Sie erreichen Herrn Krause unter 01701234567.", "01701234567"),
    ("de", "Bitte vorher bei Frau Krause unter 0301234567 melden.", "0301234567"),
    ("en", "Order 07700900461 was shipped twice.", None),
    ("en", "Porting request 2064201234 for our SIP trunk is pending.", None),
    ("en", "The call 2064201234 was dropped after 30 seconds.", None),
    ("sv", "Ordernummer 0701740605 saknas i exporten.", None),
    ("de", "Unsere Zentrale erreichen Sie unter 0711 770410.", None),
    ("de", "Rechnung 01701234567 ist offen.", None),
    # switchboard numbers: a switchboard word wins over "*nummer"; fixed lines need a context word
    ("sv", "Hälsningar\nAnna Berg\nExempel AB\nHuvudnummer: 08-123 456 70\nMobil: 070-123 45 67", "070-123 45 67"),
    ("sv", "Hälsningar\nAnna Berg\nExempel AB\nHuvudnummer: 08-123 456 70\nMobil: 070-123 45 67", "!08-123 456 70"),
    ("sv", "Hälsningar\nAnna Berg\nKundtjänstchef\nExempel AB\nVxl: 031-712 34 00", None),
    ("sv", "Mvh\nBo Ek\nExempel AB\nVäxel: 040-612 34 00", None),
    ("sv", "Kundtjänst: 090-12 34 00 (vardagar 8-17)", None),
    ("sv", "Hans telefonnummer är 08-123 456 71.", "08-123 456 71"),
    ("sv", "Ring henne på 031-712 34 56 efter lunch.", "031-712 34 56"),
    ("sv", "Hennes nummer: 070-123 45 68", "070-123 45 68"),
    ("de", "Beste Grüße\nF. Muster\nMuster GmbH\nTelefon (Zentrale): 0711 987650", None),
    ("de", "Beste Grüße\nF. Muster\nMuster GmbH\nHauptnummer: 0711 987650", None),
    ("de", "Die Durchwahl von Frau Muster ist 0711 987651.", "0711 987651"),
    ("de", "Er ist mobil unter 0151 23456789 erreichbar.", "0151 23456789"),
    ("en", "Kind regards\nA. Smith\nExample Ltd\nMain line: 0161 496 0700", None),
    ("en", "Her mobile is 07700 900123.", "07700 900123"),
    # a mobile number that also reads as another country's landline is still a mobile number
    ("de", "Der Anrufer hat 0160-6069891 hinterlassen, bitte zurückrufen.", "0160-6069891"),
    # the word after the number, in the same sentence, decides when none stands before it
    ("sv", "Kunden som anmälde felet lämnade 08-595 484 80 för återuppringning.", "08-595 484 80"),
    ("de", "Bitte rufen Sie 0711 987650 (Zentrale) an.", None),  # a fixed line, no context word
    ("en", "Call 0161 496 0700 (switchboard) for details.", None),
    ("en", "The terminal display shows 0161 496 0700 after the restart.", None),
    # spaced / dashed SSNs, in brackets, with SS# / SSN context; not typed as a phone
    ("en", "The export rejects the SS# field (026 79 4091) as duplicate.", None),
    # EU numbering plans: dotted, grouped and bracketed national and international forms
    ("en", "Her direct line is 0161.496.0703.", "0161.496.0703"),
    ("en", "His mobile is 07911.123.456.", "07911.123.456"),
    ("en", "Build 0161.496.0703 failed.", None),
    ("en", "Version 1.2.3.4 and 010.20.30.40 were deployed.", None),
    ("sv", "Hennes mobil är 0701-23 45 67.", "0701-23 45 67"),
    ("sv", "Hennes mobil är +46 (0)70 123 45 67.", "+46 (0)70 123 45 67"),
    ("de", "Sie ist unter +41 (0)79 123 45 67 erreichbar.", "+41 (0)79 123 45 67"),
    ("de", "Sie ist unter +43 (0)664 123 45 67 erreichbar.", "+43 (0)664 123 45 67"),
    ("en", "His mobile is +353 (0)87 123 4567.", "+353 (0)87 123 4567"),
    ("en", "His mobile is +45 20 12 34 56.", "+45 20 12 34 56"),
    ("en", "Her mobile is +358 40 1234567.", "+358 40 1234567"),
    ("en", "Her mobile is +48 601-234-567.", "+48 601-234-567"),
    ("en", "Her mobile is +33 6.12.34.56.78", "+33 6.12.34.56.78"),
    ("de", "Handy: 0171 / 123 45 67", "0171 / 123 45 67"),
    # national forms of neighbouring plans in the language's tickets (CH, AT, IE)
    ("de", "Seine Durchwahl: 044 668 18 00", "044 668 18 00"),
    ("de", "Ihre Handynummer ist 076 123 45 67", "076 123 45 67"),
    ("de", "Ihre Handynummer ist 0676 123 4567", "0676 123 4567"),
    ("en", "His mobile is 087 123 4567.", "087 123 4567"),
    # a hyphenated extension after grouped digits is a direct dial (Durchwahl): a person's own line
    # counts without a context word; "-0" is the switchboard and stays out
    ("de", "Fragen zu den Lohnarten beantwortet Herr Pichler besser als ich: 0662 443 17-318.", "0662 443 17-318"),
    ("de", "Er kennt die Schnittstelle: 0711 987 65-42.", "0711 987 65-42"),
    ("de", "Zentrale der Firma: 0711 987 65-0.", None),
    # Ofcom's drama range (invalid to phonenumbers, a person's mobile in copied test data), full width too
    ("en", "I copied his number from the sheet, it's +44 7700 900558, is the format the problem?", "+44 7700 900558"),
    ("en", "I copied it, it's \uff0b\uff14\uff14 \uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff15\uff15\uff18 now.", "+44 7700 900558"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
