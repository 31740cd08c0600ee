"""The structure reader on hand-written mails: each value lands in the part it stands in."""

from __future__ import annotations

import pytest

from bridge.structure import read_structure
from bridge.structure.parts import (
    ATTACHMENT, FORWARD_HEADER, GREETING, LEGAL_FOOTER, LOG, OWN_TEXT, QUOTED, SIGNATURE, TABLE,
)
from tests.structure import mails


def part_of(text: str, needle: str, occurrence: int = 0, attachment: bool = False) -> str:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return read_structure(text, attachment).part_at(index)


@pytest.mark.parametrize(
    "mail, needle, occurrence, part",
    [
        # Outlook, English reply with an Outlook header block and a legal footer
        (mails.OUTLOOK_EN_REPLY, "Hi Support", 0, GREETING),
        (mails.OUTLOOK_EN_REPLY, "Megan Clarke", 0, OWN_TEXT),
        (mails.OUTLOOK_EN_REPLY, "Bob Whitfield", 0, SIGNATURE),
        (mails.OUTLOOK_EN_REPLY, "0161 496 0734", 0, SIGNATURE),
        (mails.OUTLOOK_EN_REPLY, "4 Quay Street", 0, LEGAL_FOOTER),
        (mails.OUTLOOK_EN_REPLY, "megan.clarke@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_EN_REPLY, "payroll@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_EN_REPLY, "my overtime", 0, QUOTED),
        (mails.OUTLOOK_EN_REPLY, "07700 900461", 0, SIGNATURE),
        # Gmail forward: the forwarded headers, the forwarded text, the "--" signature
        (mails.GMAIL_EN_FORWARD, "See below", 0, OWN_TEXT),
        (mails.GMAIL_EN_FORWARD, "liam.oneill@", 0, FORWARD_HEADER),
        (mails.GMAIL_EN_FORWARD, "07700 900512", 0, QUOTED),
        (mails.GMAIL_EN_FORWARD, "Sent from Gmail", 0, SIGNATURE),
        # Apple Mail, Swedish: a pasted table, a sign-off, "> ... skrev" quoting
        (mails.APPLE_SV_REPLY, "Hej!", 0, GREETING),
        (mails.APPLE_SV_REPLY, "070-123 45 67", 0, TABLE),
        (mails.APPLE_SV_REPLY, "Kicki Andersson", 0, SIGNATURE),
        (mails.APPLE_SV_REPLY, "08-555 123 00", 0, SIGNATURE),
        (mails.APPLE_SV_REPLY, "johan.ek@telia.com", 0, QUOTED),
        # Outlook, Swedish forward: Från/Skickat/Till/Kopia
        (mails.OUTLOOK_SV_FORWARD, "eva.holm@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_SV_FORWARD, "lars.nyberg@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_SV_FORWARD, "schemat", 0, QUOTED),
        (mails.OUTLOOK_SV_FORWARD, "070-222 33 44", 0, SIGNATURE),
        (mails.OUTLOOK_SV_FORWARD, "Anders\n", 0, SIGNATURE),
        # Thunderbird, German: a log, an Impressum footer, "Am ... schrieb" quoting
        (mails.THUNDERBIRD_DE_REPLY, "2025-03-04 07:55:12", 0, LOG),
        (mails.THUNDERBIRD_DE_REPLY, "at com.acme", 0, LOG),
        (mails.THUNDERBIRD_DE_REPLY, "030 1234567", 0, SIGNATURE),
        (mails.THUNDERBIRD_DE_REPLY, "Klaus Weber", 0, LEGAL_FOOTER),
        (mails.THUNDERBIRD_DE_REPLY, "DE123456789", 0, LEGAL_FOOTER),
        (mails.THUNDERBIRD_DE_REPLY, "Bitte das Log", 0, QUOTED),
        # Outlook, German: -----Ursprüngliche Nachricht----- with Von/Gesendet/An
        (mails.OUTLOOK_DE_FORWARD, "anja.schulz@web.de", 0, FORWARD_HEADER),
        (mails.OUTLOOK_DE_FORWARD, "t.richter@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_DE_FORWARD, "0171 2345678", 0, QUOTED),
        (mails.OUTLOOK_DE_FORWARD, "Tobias Richter\n", 0, SIGNATURE),
        (mails.OUTLOOK_DE_FORWARD, "Anja Schulz\n", 0, SIGNATURE),
        # -----Original Message----- with a [mailto:] sender
        (mails.OUTLOOK_EN_ORIGINAL, "dana.fox@", 0, FORWARD_HEADER),
        (mails.OUTLOOK_EN_ORIGINAL, "07700 900777", 0, QUOTED),
        # tables of every kind, logs and code
        (mails.TAB_TABLE, "07700 900124", 0, TABLE),
        (mails.SEMICOLON_TABLE, "0171 2345671", 0, TABLE),
        (mails.ALIGNED_TABLE, "07700 900123", 0, TABLE),
        (mails.MARKDOWN_TABLE, "07700 900123", 0, TABLE),
        (mails.CODE_FENCE, "curl -u admin", 0, LOG),
        (mails.CODE_FENCE, "Any idea", 0, OWN_TEXT),
    ],
)
def test_each_value_lands_in_its_part(mail: str, needle: str, occurrence: int, part: str) -> None:
    assert part_of(mail, needle, occurrence) == part


def test_attachment_text_is_attachment_or_table() -> None:
    assert part_of(mails.CSV_ATTACHMENT_TEXT, "07700 900123", attachment=True) == TABLE
    assert part_of("Just a note in a text file.\nNothing else.", "Nothing", attachment=True) == ATTACHMENT


def test_a_table_header_names_the_columns() -> None:
    structure = read_structure(mails.APPLE_SV_REPLY)
    i = mails.APPLE_SV_REPLY.index("070-765 43 21")
    assert structure.column_header(i) == "Mobil"
    j = mails.APPLE_SV_REPLY.index("Sara Lind")
    assert structure.row_of(i) == structure.row_of(j), "one row is one person"
    assert structure.row_of(i) != structure.row_of(mails.APPLE_SV_REPLY.index("Johan Ek |"))


def test_tab_and_semicolon_tables_have_headers() -> None:
    for text, value, header in [(mails.TAB_TABLE, "07700 900124", "Mobile"), (mails.SEMICOLON_TABLE, "5522", "Personalnr")]:
        assert read_structure(text).column_header(text.index(value)) == header


def test_signoffs_know_their_name_lines_and_whether_they_are_the_writers() -> None:
    text = mails.OUTLOOK_EN_REPLY
    structure = read_structure(text)
    names = [[text[a:b] for a, b in s.names] for s in structure.signoffs]
    assert ["Bob Whitfield"] in names
    own = [s for s in structure.signoffs if s.own]
    assert len(own) == 1 and text[own[0].names[0][0]:own[0].names[0][1]] == "Bob Whitfield"
    quoted = [s for s in structure.signoffs if not s.own]
    assert quoted and any("Megan" in text[a:b] for s in quoted for a, b in s.names)


def test_prose_after_a_signature_ends_it() -> None:
    text = "Regards\nDakota Yazzie\nPS: my colleague Tom Hill is on 07700 900123 if I am out.\n"
    assert part_of(text, "07700 900123") == OWN_TEXT
    assert part_of(text, "Dakota") == SIGNATURE


@pytest.mark.parametrize(
    "text, needle",
    [
        ("As Tom wrote in his mail, the report is late: please call 07700 900123.", "07700"),
        ("From what I see, the numbers are wrong; Sent: nothing.", "nothing"),
        ("We have a company number question for Tom Hill 07700 900123 in the invoice text below that is long.", "07700"),
    ],
)
def test_words_inside_sentences_are_not_markers(text: str, needle: str) -> None:
    assert part_of(text, needle) == OWN_TEXT


def test_a_comma_list_in_prose_is_no_table() -> None:
    text = "Affected: Amy Reid, Tom Hale, Jo Smith\nAlso: Ann Lee, Bo Ek, Cy Park\n"
    assert part_of(text, "Ann Lee") == OWN_TEXT


def test_reading_is_cached_and_pure() -> None:
    first = read_structure(mails.OUTLOOK_EN_REPLY)
    assert read_structure(mails.OUTLOOK_EN_REPLY) is first
    assert read_structure(mails.OUTLOOK_EN_REPLY, True) is not first


SIGNATURE_WITH_FIELDS = """\
Hi,

the export stops at row 200 again, can you check?

Cheers
Wendy

Wendy Okafor | Planning Lead | Brookfield Dairies
T: 01632 960 118 | M: 07700 900 461 | Main: 01632 960 000
Brookfield Dairies Ltd · Wexley · 01632 960 200 (office)
"""

SIGNATURE_THEN_QUOTE = """\
Hej,

se nedan.

Mvh
Lena Borg
Tel 08-555 100 20

> den 2 mars skrev Per Nyström <per.nystrom@bredband.example>:
> Ring mig på 070-555 11 22.
"""

LETTERHEAD_ATTACHMENT = (
    "Certificate of employment\n"
    "Wexley Builders AB, org.nr 556000-0000\n"
    "Employee: Nora Quist, 19900101-0000\n"
    "This certifies that Nora Quist worked here as an engineer\n"
    "from 2019-08-15 to 2026-10-31.\n"
    "Wexley 2026-11-20\n"
    "Payroll office"
)


@pytest.mark.parametrize(
    "needle, part",
    [
        ("07700 900 461", SIGNATURE),   # digit groups and bars are no prose words
        ("01632 960 200", SIGNATURE),   # a line of fields split by middle dots
        ("Wendy Okafor", SIGNATURE),    # two bar-split lines are a signature, not a table
    ],
)
def test_a_signature_of_fields_is_no_prose(needle: str, part: str) -> None:
    assert part_of(SIGNATURE_WITH_FIELDS, needle) == part


def test_a_quoted_line_under_a_signature_ends_it() -> None:
    assert part_of(SIGNATURE_THEN_QUOTE, "08-555 100 20") == SIGNATURE
    assert part_of(SIGNATURE_THEN_QUOTE, "070-555 11 22") == QUOTED


def test_a_letterhead_line_is_no_footer_for_the_text_below_it() -> None:
    assert part_of(LETTERHEAD_ATTACHMENT, "Nora Quist", attachment=True) != LEGAL_FOOTER
    assert part_of(LETTERHEAD_ATTACHMENT, "org.nr", attachment=True) == LEGAL_FOOTER


@pytest.mark.parametrize("line", ["Brookfield Dairies Ltd", "Lgh 1102", "Vgl. Anhang", "Bestellung 4471"])
def test_a_word_starting_like_a_closing_is_no_closing(line: str) -> None:
    from bridge.structure import markers

    assert markers.CLOSING.match(line) is None


def test_a_long_line_of_company_fields_stays_in_the_signature() -> None:
    text = ("Hello,\n\nthe approvals go to the old manager.\n\nAnn Lee\nStudio Manager\nDirect: 01632 960 321\n"
            "Wexley Architects | 18 Hardman Street, Wexley WX3 3EB | London studio: 2 Mill Street, EC2A 4LU\n")
    assert part_of(text, "18 Hardman Street") == SIGNATURE
    assert part_of(text, "2 Mill Street") == SIGNATURE


@pytest.mark.parametrize("closing", ["Freundliche Grüsse", "Mit freundlichen Grüssen", "Liebe Gruesse", "Gruss"])
def test_swiss_and_ascii_spellings_of_gruesse_close_a_mail(closing: str) -> None:
    text = f"Eine Frage zum Export.\n\n{closing}\nUrs Bächli\nTel. 044 555 10 10\n"
    assert read_structure(text).part_at(text.index("044")) == "signature"


def test_the_first_field_of_a_field_signature_line_is_its_name_line() -> None:
    text = "danke\n--\nUrs Bächli · Technik · Bächli Holz AG · +41 71 555 12 00\n"
    names = [[text[a:b] for a, b in s.names] for s in read_structure(text).signoffs]
    assert names and any(n.startswith("Urs Bächli ·") for n in names[0])


@pytest.mark.parametrize(
    "closing",
    [
        "Besten Dank", "Herzlichen Dank", "Vielen herzlichen Dank!", "Tausend Dank", "Schönen Gruß", "Beste Grüße aus Graz",
        "Merci", "Vänligen", "Stort tack", "Tusen tack!", "Ha det bra", "Trevlig helg!", "All the best", "Thanks so much",
        "Thx", "Ta", "Take care", "Speak soon",
    ],
)
def test_more_closings_start_a_sign_off_whose_name_line_follows(closing: str) -> None:
    text = f"A question about the export.\n\n{closing}\nOrla Brennan\nTel. +44 20 7946 0321\n"
    structure = read_structure(text)
    assert structure.part_at(text.index("+44")) == SIGNATURE
    names = [text[a:b] for s in structure.signoffs for a, b in s.names]
    assert names == ["Orla Brennan"]


@pytest.mark.parametrize(
    "line",
    ["Ta bort kontot för Maja i morgon", "Vänligen kontakta oss snarast", "Take care of the export first", "Speak soon about the rota"],
)
def test_a_closing_word_that_starts_a_sentence_is_no_closing(line: str) -> None:
    from bridge.structure import markers

    assert markers.CLOSING.match(line) is None


def test_a_place_after_a_greeting_closing_is_no_name() -> None:
    from bridge.structure import markers

    found = markers.CLOSING.match("Beste Grüße aus Graz, Orla Brennan")
    assert found is not None and found.group("rest") == "Orla Brennan"


def test_the_name_line_under_a_closing_the_patterns_lack_is_a_name_line_too() -> None:
    text = "A question about the export.\n\nFrohe Feiertage\nOrla Brennan\nTel. +44 20 7946 0321\n"
    structure = read_structure(text)
    assert structure.part_at(text.index("+44")) == SIGNATURE
    names = [text[a:b] for s in structure.signoffs for a, b in s.names]
    assert names == ["Frohe Feiertage", "Orla Brennan"]
