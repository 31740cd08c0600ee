"""Forms met on hand-written and template tickets of the 2026-12-02 round (sets I and T4): whose a
value is and whether it is one. Values are invented; every case is a pattern, none a value of a set."""

from __future__ import annotations

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.platform import Requester, Ticket
from bridge.rules import Rules
from bridge.scanner import Scanner
from bridge.structure.reader import read_structure
from tests.support.scanning import assert_found, found_of


@pytest.fixture(scope="module")
def analyzer(rules: Rules) -> TicketAnalyzer:
    return TicketAnalyzer(rules)


def action_of(analyzer: TicketAnalyzer, body: str, language: str, name: str = "Mara Quist",
              email: str = "mara.quist@lindholm-ab.example", subject: str = "Problem",
              attachment: tuple[str, str] | None = None) -> str:
    """The action for a ticket from Mara Quist, with one text attachment given as (file name, text)."""
    ticket = Ticket(id="t", platform="test", subject=subject, body=body, requester=Requester(name=name, email=email))
    files = [AttachmentInput(attachment[0], attachment[1].encode())] if attachment else []
    return analyzer.analyse(ticket, files, language).action


# ---------------------------------------------------------------- recognizers


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("en", "Escalation 1: Declan Morrow  028 7155 0931\nEscalation 2: OOH desk", "028 7155 0931"),
        ("en", "Declan Morrow\n028 7155 0931", None),  # a signature puts name and number on separate lines
    ],
)
def test_a_number_after_a_full_name_on_its_list_row_is_that_persons(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, "PHONE_NUMBER"), expected)


def test_a_tax_id_named_in_the_sentence_before_counts_run_together(scanner: Scanner, rules: Rules) -> None:
    text = 'Das System meldet "Steuer-IdNr unbekannt". Laut Personalbogen lautet sie 47193058234.'
    assert_found(found_of(scanner, rules, text, "de", "DE_TAX_ID"), "47193058234")


@pytest.mark.parametrize(
    "subject, action",
    [
        ("Grenzgänger: Steuer-ID 30 948 175 269 wird nicht akzeptiert", "review"),  # check digit fails: doubt
        ("Grenzgänger: Vorgang 30 948 175 269 wird nicht akzeptiert", "none"),  # no label, no tax id
    ],
)
def test_a_labelled_tax_id_whose_check_digit_fails_goes_to_review_never_to_deletion(
    analyzer: TicketAnalyzer, subject: str, action: str
) -> None:
    body = "Für Herrn Philipp Scholz lehnt das System die Nummer im Betreff ab."
    assert action_of(analyzer, body, "de", subject=subject) == action


@pytest.mark.parametrize(
    "text, counted",
    [
        ("Oscar Lindh (91204) har MS och orkar inte eftermiddagar.", True),
        ("Oscar Lindh (91204) har MS Teams öppet hela dagen.", False),
        ("Oscar Lindh (91204) har MS-licens sedan i går.", False),
        ("Emily Thornton (CL-31045) is deaf and uses BSL.", True),
        ("Ragnar (P91797) är sjukskriven på grund av Crohns sjukdom.", True),
        ("Auszug aus dem Führungszeugnis für Lena Brandt, Pers.-Nr. 4471: Diebstahl.", True),
        ("Der Laptop von Lena Brandt, Pers.-Nr. 4471, wurde gestohlen: Diebstahl ist gemeldet.", False),
        ("Bitte beim Dienstplan beachten, dass Carina Lorenz (4471) katholisch ist.", True),
        ("Please add the Unison subscription for Harriet Carver (4471) to payroll.", True),
    ],
)
def test_special_category_terms_of_this_round(scanner: Scanner, rules: Rules, text: str, counted: bool) -> None:
    found = found_of(scanner, rules, text, "sv" if " är " in text or " har " in text else "en", "SPECIAL_CATEGORY")
    assert bool(found) is counted, found


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tobias Llewellyn cannot reach the portal from 10.67.231.182 since Monday.", "10.67.231.182"),
        ("Inloggningsförsök för Oskar Holm kommer från 192.168.10.163 och blockeras.", "192.168.10.163"),
        ("Anna Berg says the app server rejects calls from 10.0.0.5 since Monday.", None),
        ("The export from 10.0.0.5 failed again.", None),
    ],
)
def test_an_ip_address_where_a_person_named_in_its_sentence_connects_from(
    scanner: Scanner, rules: Rules, text: str, expected: str | None
) -> None:
    language = "sv" if "från" in text else "en"
    assert_found(found_of(scanner, rules, text, language, "IP_ADDRESS"), expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Can you raise the quota? 928197 | Harriet Prescott | Nights | 22:00-06:00", "928197"),
        ("548789 | Markus | abwesend | Bronchitis", "548789"),
        ("2024 | Harriet Prescott | Nights", None),  # a year is no code
        ("Datum | Name | Stunden\n2024-03-01 | Harriet Prescott | 7.5", None),  # a header row without an id column
    ],
)
def test_a_code_in_a_roster_row_with_no_header_beside_a_name(
    scanner: Scanner, rules: Rules, text: str, expected: str | None
) -> None:
    assert_found(found_of(scanner, rules, text, "en", "PERSON_CODE"), expected)


def test_an_address_does_not_run_into_the_next_form_field(scanner: Scanner, rules: Rules) -> None:
    text = "Plats: Kungsgatan 50, 903 26 Umeå\nInventarienummer: SKR-5680"
    assert found_of(scanner, rules, text, "sv", "STREET_ADDRESS") == {"Kungsgatan 50, 903 26 Umeå"}


# ---------------------------------------------------------------- structure


def test_a_legal_footer_that_starts_mid_line_leaves_the_sentences_before_it_own_text() -> None:
    body = ("Hi team,\n\nOwen Marsh (clock number 710494) has no punches since Monday. Registered office: "
            "Unit 7, Avonmouth Trade Park, Bristol BS11 9FG. Registered in England No. 03267377.\n\nThanks,\nCallum")
    structure = read_structure(body)
    assert structure.part_at(body.index("Owen")) == "own_text"
    assert structure.part_at(body.index("Unit 7")) == "legal_footer"


def test_the_letterhead_above_an_invoice_title_is_the_issuers() -> None:
    text = ("Byrne Quinn Accountants\nHarcourt Street, Dublin 2\nTel +353 1 677 4410 | accounts@bq.example\n"
            "INVOICE INV-2024-0412   Date 12/04/2024\nClient ref: CL-0893\n")
    structure = read_structure(text, attachment=True)
    assert structure.part_at(text.index("+353")) == "legal_footer"
    assert structure.part_at(text.index("Client ref")) == "attachment"


# ---------------------------------------------------------------- whose it is


@pytest.mark.parametrize(
    "body, action",
    [
        # a pasted message with no header: its "my mobile" is its writer's, not the requester's
        ("The student sent me her details:\n\n> Hi Mara, my personal email is now rosie.ok92@gmail.example\n"
         "> Thanks, Rosie Okafor\n\nMara", "delete"),
        # the header line names someone else: the address is theirs
        ("Bitte prüfen.\n\nAm 01.12.2026 um 14:02 schrieb Sabine Koch <sabine.koch@web.example>:\n"
         "> Guten Tag, ich interessiere mich für den Wagen.", "delete"),
        # the requester's other address under their own display name
        ("Fungerar nu.\n\nDen mån 30 nov 2026 kl 09:03 skrev Mara Quist <mara.quist.hr@gmail.example>:\n"
         ">> Hej, hur gör jag?", "none"),
        # where "we" sit is the organisation's address
        ("Ring växeln om ni vill. Vi sitter på Sportvägen 3, 171 48 Solna.", "none"),
        # a reply address the whole team reads
        ("Svara gärna till lanedisken@lindholm-ab.example så ser hela teamet det.", "none"),
        ("Replies can go to volunteers@lindholm-ab.example so the whole coordinator team sees them.", "none"),
        # a distribution list by its display name
        ("Från: Lönekontoret <lonekontoret@lindholm-ab.example>\nTill: Alla medarbetare Göteborg "
         "<alla.goteborg@lindholm-ab.example>\nÄmne: Lön\n\nHej alla!", "none"),
        # a form's location field is a site
        ("Request type: Hardware\nLocation: 3 Quay Street, Manchester M3 3HN\nAsset tag: PRN-2510", "none"),
        # a firm named by its trade is no person beside a number
        ("Our accountants Byrne Quinn Accountants (CL-0893) sent the file.", "none"),
    ],
)
def test_whose_value_it_is(analyzer: TicketAnalyzer, body: str, action: str) -> None:
    language = "sv" if ("Hej" in body or "Ring" in body or "Svara" in body) else "de" if "Bitte" in body else "en"
    assert action_of(analyzer, body, language) == action


# ---------------------------------------------------------------- round J and T5 (2026-12-02, later)


@pytest.mark.parametrize(
    "language, text, entity, expected",
    [
        ("sv", "Hon testade med sitt eget nummer 076\u2011218 45 93 i går.", "PHONE_NUMBER", "076-218 45 93"),  # read as its normalised text
        ("de", "Rückruf 0160.012.49227 wg. Zählerdefekt", "PHONE_NUMBER", "0160.012.49227"),
        ("de", "Der Lohnimport meldet: Steuer-ID 146 338 502 98 ist eine Dublette.", "DE_TAX_ID", "146 338 502 98"),
        ("de", "Die Steuernummer 318 455 102 der Firma steht im Impressum.", "DE_TAX_ID", None),  # nine digits: no tax id
        ("sv", "Namn: Tor Blom\nFödelsedatum: 8/8 1965", "DATE_OF_BIRTH", "8/8 1965"),
        ("en", "Last login: Mon Mar 10 06:12:44 2025 from 192.168.20.14", "PERSON", None),
        ("sv", "VPN kopplar ner för Per Hassan. Hemmaroutern syns som 213.152.147.201 i loggen.", "IP_ADDRESS",
         "213.152.147.201"),
        ("en", "Maternity cover needed: Oliver Whitfield in Billing is expecting twins.", "SPECIAL_CATEGORY", "expecting twins"),
        ("en", "Arthur Okafor is an observant Orthodox Jew.", "SPECIAL_CATEGORY", "Orthodox Jew"),
        ("de", "Laut Personalbogen ist Elif Engel Zeuge Jehovas.", "SPECIAL_CATEGORY", "Zeuge Jehovas"),
        ("sv", "Astrid Öberg är sjukskriven på grund av cancerbehandling.", "SPECIAL_CATEGORY", "cancerbehandling"),
    ],
)
def test_forms_of_round_j(scanner: Scanner, rules: Rules, language: str, text: str, entity: str, expected: str | None) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)


ROUND_J_WHOSE_VALUE = [
        # a letterhead line of a company of a neighbouring country (legal form, registration number)
        ("Se nedan.\n\nNordbro Logistik ApS, Amager Landevej 161, 2770 Kastrup · CVR 31 45 67 89 · tlf. +45 32 50 00 00",
         "sv", "none"),
        ("> Waalhaven Terminal B.V., Waalhaven Zuidzijde 21, 3089 JH Rotterdam, KvK 24123456, T +31 10 000 4400",
         "de", "none"),
        # a Danish main number
        ("Klinikens uppgifter:\n\nNordTand ApS\nVesterbrogade 10, 1620 København V\nHovednummer +45 33 12 40 00", "sv", "none"),
        # the organisation's address, then its customer line in the same sentence
        ("Our office moved to Brightline Energy, 10 Riverside Business Park, Bristol BS3 4JH; customers should still "
         "call +44 113 496 0000.", "en", "none"),
        ("Our office moved to Brightline Energy, 10 Riverside Business Park, Bristol BS3 4JH; her mobile is "
         "07700 900461.", "en", "delete"),
        # a service line open round the clock
        ("Akuta fel: jour 031-700 85 00 dygnet runt.", "sv", "none"),
        # the requester's slash sign-off and its lines
        ("Tidrapporten visar dubbla timmar.\n\n// Mara Quist, Lindholm AB\n018.46.94.11 (direkt), kundtjänst 0200-22 33 44",
         "sv", "none"),
    ]


def test_a_value_the_ticket_shows_to_be_the_organisations_is_theirs_wherever_it_stands(analyzer: TicketAnalyzer) -> None:
    text = ("BüroTech Systemhaus AG - Angebot AN-2026-4471\nKunde: Helvetia Retail AG, Bahnhofstrasse 10, 8001 Zürich\n"
            "Lieferadresse: Bahnhofstrasse 10, 8001 Zürich\nGültig bis 31.12.2026. Zahlbar 30 Tage netto.\n"
            "BüroTech Systemhaus AG, Zürcherstrasse 140, 8952 Schlieren, Tel. +41 44 555 12 00, UID CHE-987.654.321\n")
    action = action_of(analyzer, "Bitte Lieferadresse korrigieren.", "de", subject="Angebot", attachment=("angebot.txt", text))
    assert action == "none"


def test_a_switchboard_column_of_an_attached_table_of_offices_is_the_organisations(analyzer: TicketAnalyzer) -> None:
    text = ("Our offices\nOffice | Address | Switchboard\n"
            "Swindon | Cobalt Payroll Services, 22 Canal Wharf, Leeds LS6 2QT | +44 20 7946 1000\n"
            "Norwich | Cobalt Payroll Services, 36 Riverside Business Park, Derby DE22 1FG | +44 113 496 0000\n")
    action = action_of(analyzer, "See the attached list.", "en", subject="Offices", attachment=("offices.txt", text))
    assert action == "none"


# ---------------------------------------------------------------- round K and T6 (2026-12-02, later still)


@pytest.mark.parametrize(
    "language, text, entity, expected",
    [
        ("de", "Der Account von Lukas Brenner ist gesperrt.\n\n2024-11-13 06:12:44 vpn-gw01 auth FAIL user=lbrenner "
               "src=91.64.118.203 reason=too_many_attempts", "IP_ADDRESS", "91.64.118.203"),
        ("en", 'FAILED login user=j.okafor display="Jonathan Okafor" src=192.168.14.52 term=HMI-EXT2', "IP_ADDRESS",
         "192.168.14.52"),
        ("en", "2024-11-13 06:12:44 vpn-gw01 auth FAIL user=svc_backup src=10.30.1.40", "IP_ADDRESS", None),
        ("sv", "Importen stoppar på företagskortet som Siv Dahlgren använder: 5343988250117190.", "CREDIT_CARD",
         "5343988250117190"),
        ("sv", "Kan ni lägga in nytt mobilnummer för Rasmus Berg? Det nya är 08 - 387 655 16.", "PHONE_NUMBER",
         "08 - 387 655 16"),
    ],
)
def test_forms_of_round_k(scanner: Scanner, rules: Rules, language: str, text: str, entity: str, expected: str | None) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)


@pytest.mark.parametrize(
    "body, language, action",
    ROUND_J_WHOSE_VALUE + [
        # an object pronoun after someone else: that person's value, told to the writer
        ("Mikael Håkansson har flyttat sin lön. Han bad mig lägga in det nya: SE45 5000 0000 0583 9825 7466.",
         "sv", "delete"),
        # the formal "Sie" addresses the reader: the writer's own number
        ("Bei Rückfragen erreichen Sie mich mobil unter +49 172 6604418.", "de", "none"),
        # products named like people, with a version beside them somewhere in the ticket
        ("Since the update to Frida Flex 4.17.3 the client logs me out. It happened while editing person code EMP-07291.",
         "en", "none"),
        # the requester's own web form: the phone in its field is theirs
        ("Name: Mara Quist\nCompany: Lindholm AB\nE-mail: mara.quist@lindholm-ab.example\nPhone: 07700 535 436\n"
         "Product: RotaBase", "en", "none"),
        # ... but a third party's number written into a field with a person word is not
        ("Mitarbeiter: Mara Quist\nZeitraum: Woche 21\nAnliegen: Korrektur\nGrund: Seine Handynummer: +43 664 9259564",
         "de", "delete"),
        # a control room's line
        ("Bitte um Rückruf an die Leitstelle, Tel. +43 1 7909 4000.", "de", "none"),
        # a writer's line on a building site is no letterhead
        ("> Ruf mich an wenn was unklar ist, ich bin die Woche auf Baustelle: 0171 4428 913\n> Ralf Schreiber",
         "de", "delete"),
    ],
)
def test_whose_value_it_is_rounds_j_and_k(analyzer: TicketAnalyzer, body: str, language: str, action: str) -> None:
    assert action_of(analyzer, body, language) == action


def test_a_payslip_filed_under_a_personnummer_names_it(analyzer: TicketAnalyzer) -> None:
    action = action_of(analyzer, "Bifogar en av specarna.", "sv", subject="Lönespec", attachment=("lonespec_9207014623_maj.txt", "Lonespec maj"))
    assert action == "delete"


def test_a_name_masked_above_an_address_in_an_attachment_keeps_it_a_persons(analyzer: TicketAnalyzer) -> None:
    text = ("SEPA-Lastschriftmandat\nGläubiger: Sanitär Grünwald GmbH, Gläubiger-ID DE98ZZZ09999999999\n"
            "Kontoinhaberin: Martina Huber\nAnschrift: Rosenheimer Straße 112, 83043 Bad Aibling\n"
            "IBAN: DE44 5001 0517 5407 3249 31\n")
    action = action_of(analyzer, "Das Mandat wird abgelehnt.", "de", subject="Mandat", attachment=("mandat.txt", text))
    assert action == "delete"
