"""Forms met on hand-written and template tickets of the 2026-12-02 afternoon rounds (sets L, T7, M, T8):
documented placeholders and test records, the organisation's address repeated from the signature,
function mailboxes, values presented as one's own across sentences, number blocks, pronouns that
point back to a person. Values are invented; every case is a pattern, none a value of a set."""

from __future__ import annotations

import pytest

from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.platform import Requester, Ticket
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of


@pytest.fixture(scope="module")
def analyzer(rules: Rules) -> TicketAnalyzer:
    return TicketAnalyzer(rules)


def decision_of(analyzer: TicketAnalyzer, body: str, language: str, attachment: tuple[str, str] | None = None,
                subject: str = "Problem"):  # type: ignore[no-untyped-def]
    ticket = Ticket(id="t", platform="test", subject=subject, body=body,
                    requester=Requester(name="Vera Lindgren", email="vera.lindgren@kvarnholm.example"))
    files = [AttachmentInput(attachment[0], attachment[1].encode())] if attachment else []
    return analyzer.analyse(ticket, files, language)


def action_of(analyzer: TicketAnalyzer, body: str, language: str, attachment: tuple[str, str] | None = None) -> str:
    return decision_of(analyzer, body, language, attachment).action


# ---------------------------------------------------------------- placeholders and test records


@pytest.mark.parametrize(
    "body, language",
    [
        # documented placeholder people and the values of their record
        ("The import guide's sample row fails:\n\nJohn,Doe,john.doe@example.org,+44 7700 900418,DELEGATE\n\n"
         "Which column is wrong?", "en"),
        ("Im Seriendruck steht wörtlich \"Erika Mustermann, Musterweg 4, 54321 Musterhausen\" statt der echten Daten.",
         "de"),
        ("Vår testkund Test Testsson, testsson@exempel.test, 070-123 45 67 går inte att spara.", "sv"),
        # a placeholder street, town and postcode; a birth date of 1 January 1900
        ("Our dummy record: DOB 01/01/1900, address 7 Sample Road, Anytown, ZZ99 3XY.", "en"),
        # a line marked as a test record
        ('{"name": "Kim Larsson", "mobile": "+46 70 123 45 67", "is_test": true}', "sv"),
    ],
)
def test_documented_placeholders_and_their_records_are_no_ones_data(analyzer: TicketAnalyzer, body: str,
                                                                     language: str) -> None:
    assert action_of(analyzer, body, language) == "none"


def test_a_real_persons_values_beside_a_placeholder_in_another_paragraph_still_count(analyzer: TicketAnalyzer) -> None:
    body = ("In the template the name is Jane Doe.\n\n"
            "The real record is Harriet Pell, harriet.pell@gmail.com, who cannot log in.")
    assert action_of(analyzer, body, "en") == "delete"


def test_a_real_company_named_like_a_placeholder_word_is_no_test_record(analyzer: TicketAnalyzer) -> None:
    body = ("Von: Anja Brandt <anja.brandt@web.de>\nAn: Vera Lindgren <v.lindgren@musterfirma.de>\n\n"
            "Bitte meine Adresse ändern.")
    assert action_of(analyzer, body, "de") == "delete"


def test_a_ticket_about_test_data_with_placeholders_sends_its_other_values_to_review(analyzer: TicketAnalyzer) -> None:
    log = ("2025-01-04 09:12:01 INFO row 1: P000201 accepted\n"
           "2025-01-04 09:12:02 ERROR row 2: dob value '14/02/1983' outside accepted range\n")
    decision = decision_of(analyzer, "Our test file only holds the dummy patients of your spec (Jane Example).",
                           "en", attachment=("import.log", log))
    assert decision.action == "review"


def test_a_value_named_as_an_example_goes_to_review(analyzer: TicketAnalyzer) -> None:
    body = "Samordningsnummer tolkas fel. Exemplet i Skatteverkets broschyr är 811063-2398 och det går inte igenom."
    assert action_of(analyzer, body, "sv") == "review"


# ---------------------------------------------------------------- the organisation's address and mailboxes


@pytest.mark.parametrize(
    "body, language",
    [
        ("Rechnungsanschrift bleibt Am Kanal 12, 34117 Kassel.\n\nGruß\nVera Lindgren\nKvarnholm GmbH\n"
         "Am Kanal 12 · 34117 Kassel\nTel.: 0561 70020-0 (Zentrale)", "de"),
        ("Fakturaadressen Hamnvägen 8, 302 50 Halmstad ska ligga kvar.\n\nHälsningar\nVera Lindgren\n"
         "Besöksadress: Hamnvägen 8, 302 50 Halmstad", "sv"),
        ("We moved yard to Unit 9, Dunmore Trading Estate, Crane Lane, Leeds LS11 5QT.\n\nThanks\nVera\n\n"
         "Vera Lindgren\nRegistered office: Unit 9, Dunmore Trading Estate, Crane Lane, Leeds LS11 5QT", "en"),
    ],
)
def test_an_address_repeated_from_the_requesters_signature_is_the_organisations(analyzer: TicketAnalyzer, body: str,
                                                                               language: str) -> None:
    assert action_of(analyzer, body, language) == "none"


@pytest.mark.parametrize(
    "body, language",
    [
        ("Returer går som vanligt till retur@kvarnholm.example.", "sv"),
        ("Retouren bitte weiterhin an retouren@kvarnholm.example.", "de"),
        ("The confirmation came from membership@kvarnholm.example.", "en"),
        ("Die Fristenmail geht an fristen@kvarnholm.example, die Post an postfach@kvarnholm.example.", "de"),
        ("Fehler kommt von edi-support@partnerline.example.com zurück.", "de"),
    ],
)
def test_function_mailboxes_of_returns_memberships_deadlines_and_edi_are_no_ones(analyzer: TicketAnalyzer, body: str,
                                                                               language: str) -> None:
    assert action_of(analyzer, body, language) == "none"


def test_an_address_kind_word_before_a_street_is_not_part_of_it(scanner: Scanner, rules: Rules) -> None:
    text = "Fakturaadressen Hamnvägen 8, 302 50 Halmstad gäller."
    assert_found(found_of(scanner, rules, text, "sv", "STREET_ADDRESS"), "Hamnvägen 8, 302 50 Halmstad")


def test_a_middle_dot_between_street_and_postcode_keeps_one_address(scanner: Scanner, rules: Rules) -> None:
    text = "Kvarnholm GmbH\nIndustriepark 3 · 34123 Kassel\n"
    assert_found(found_of(scanner, rules, text, "de", "STREET_ADDRESS"), "Industriepark 3 · 34123 Kassel")


# ---------------------------------------------------------------- own data, number blocks, pronouns


ROUND_M_WHOSE_VALUE = [
        # the holder line beside an account names the requester
        ("Die neue lautet:\n\nIBAN: DE89 3704 0044 0532 0130 00\nKontoinhaber: Vera Lindgren\n\nBitte übernehmen.", "de",
         "none"),
        ("Die neue lautet:\n\nIBAN: DE89 3704 0044 0532 0130 00\nKontoinhaber: Jonas Herbst\n\nBitte übernehmen.", "de",
         "delete"),
        # an association's account under its name with its legal form
        ("Richtig ist:\nKleintierhilfe Süd e.V.\nIBAN DE89 3704 0044 0532 0130 00 · Sparkasse Süd", "de", "none"),
        # a tab separates the cells of a pasted table: first names in two columns are no full name
        ("Vecka\tPrimär\tBackup\tEskalering\n15\tAnna\tViktor\tdrift-jour@kvarnholm.example\n"
         "16\tDragana\tMats\tdrift-jour@kvarnholm.example", "sv", "none"),
        # a number right beside the requester's own address on one line
        ("Testare: Vera Lindgren\nKontakt: vera.lindgren@kvarnholm.example, 0734 85 06 17", "sv", "none"),
        # placeholder dates and numbers of a test record
        ("Testperson: födelsedatum 1970-01-01, mobil 070-000 00 00.", "sv", "none"),
        # a public administration's premises
        ("Die Terminals bitte an die Stadtverwaltung, Rathausplatz 1, 88212 Kvarnholm liefern.", "de", "none"),
        # a chat line's speaker label is no form field: the code after it is someone else's
        ("[08:50] Vera Lindgren: Jörg, PNr. P-55731, ist wegen eines Bandscheibenvorfalls krankgeschrieben.", "de",
         "delete"),
        # a staff code and an allergy
        ("The pupil Euan Hartley, staff code E-8581, has a severe peanut allergy.", "en", "delete"),
        # "one of the" + a role names no one, whoever is named in the next sentence
        ("En av handläggarna har utmattningssyndrom och är sjukskriven. Ärendena ska till Per Lund.", "sv", "none"),
    ]

ROUND_N_WHOSE_VALUE = [
        # anyone's "själv": the customer checked the address, it is the customer's
        ("Kunden har själv kontrollerat adressen och den stämmer: lena.holm71@telia.com.", "sv", "delete"),
        # lodgings and parcel points name their address's holder
        ("Incheckning på Hotell Björkliden, Fjällvägen 21, 837 52 Åre.", "sv", "none"),
        ("Stopp 1: Packstation 143, Bahnhofstraße 2, 87435 Kempten.", "de", "none"),
    ]


@pytest.mark.parametrize(
    "body, language, action",
    ROUND_M_WHOSE_VALUE + ROUND_N_WHOSE_VALUE + [
        # an abbreviation's full stop does not end the first-person sentence
        ("Meine richtige Steuer-IdNr. ist 57549285017, auf der Abrechnung steht eine andere.", "de", "none"),
        # a short sentence that goes on about the first-person one before it
        ("Jag bytte lönekonto i mars men lönen gick till mitt gamla konto. Nya kontot är "
         "SE35 5000 0000 0549 1000 0003.", "sv", "none"),
        # ... but not when it names someone else's
        ("Mitt utlägg avvisades. Nya nattansvariges nummer är 0763 19 16 54, lägg in det.", "sv", "delete"),
        # the ends of a block of numbers
        ("Für unseren Rufnummernblock 089 5521 330-0 bis 089 5521 330-99 wurde die Portierung abgelehnt.",
         "de", "none"),
    ],
)
def test_whose_value_it_is_rounds_l_m_and_n(analyzer: TicketAnalyzer, body: str, language: str, action: str) -> None:
    assert action_of(analyzer, body, language) == action


def test_a_pronoun_pointing_back_to_the_one_person_named_before_sends_a_term_to_review(analyzer: TicketAnalyzer) -> None:
    body = ("The X-ray we took this morning for Margaret Ellery won't open in the viewer.\n\n"
            "  DICOM import failed: tag (0010,0030) invalid value length, series 1.2.826.0.1.3680043.8.498.1\n"
            "  Other images from the same unit today open fine; the unit is the one in surgery 2.\n\n"
            "She's on warfarin so we're planning the extraction around her INR.")
    assert action_of(analyzer, body, "en") == "review"


def test_a_pronoun_with_two_people_named_before_points_nowhere(analyzer: TicketAnalyzer) -> None:
    body = ("Anna Berg booked the first slot. Peter Strand booked the second.\n\n"
            "  DICOM import failed: tag (0010,0030) invalid value length, series 1.2.826.0.1.3680043.8.498.1\n"
            "  Other images from the same unit today open fine; the unit is the one in surgery 2.\n\n"
            "She's on warfarin so we're planning the extraction around it.")
    assert action_of(analyzer, body, "en") == "none"


@pytest.mark.parametrize(
    "language, text, entity, expected",
    [
        ("sv", "Kortnr: 204518\nTillhör: Elin Fors (medlem sedan 2019)", "PERSON_CODE", "204518"),
        ("de", "Frau Kern ist zum 1. März aus der Kirche ausgetreten (bisher römisch-katholisch).", "SPECIAL_CATEGORY",
         "römisch-katholisch"),
        # a word twice, a shift column, a landmark and a noun ending are no names
        ("en", "Week 12 | Night Night | Early", "PERSON", None),
        ("en", "Harbour Hotel York Minster Gate", "PERSON", None),
        ("de", "In meinem Konto fehlen die fünf Tage Zusatzurlaub.", "PERSON", None),
    ],
)
def test_forms_of_round_l(scanner: Scanner, rules: Rules, language: str, text: str, entity: str,
                          expected: str | None) -> None:
    assert_found(found_of(scanner, rules, text, language, entity), expected)


# ---------------------------------------------------------------- round M and T8 (the same afternoon, later)


@pytest.mark.parametrize(
    "body, language",
    [
        ("Produkt: Elsa Tidsedel\nVersion: 6.0\n\nNattpass syns inte för personalnummer 20931 i Elsa Tidsedel.", "sv"),
        ("Appen Vera Bokning kraschar när schemat för personalnummer 20931 öppnas.", "sv"),
        ("The class lists in Mabel Parent Portal were not updated for staff number 667308.", "en"),
        ("This is an automated message from Edith Lessons. Employee number 4415 was booked twice.", "en"),
        ("Die Mitgliederzahlen im Emil Zutritt stimmen nicht; Personalnummer 29211 fehlt.", "de"),
    ],
)
def test_products_named_like_people_by_their_field_noun_or_place_of_work(analyzer: TicketAnalyzer, body: str,
                                                                       language: str) -> None:
    assert action_of(analyzer, body, language) == "none"


def test_a_swedish_pet_form_of_the_requesters_first_name_in_a_chat_is_them(analyzer: TicketAnalyzer) -> None:
    ticket = Ticket(id="t", platform="test", subject="Chattlogg", requester=Requester(name="Lars Olsson"),
                    body="[08:28] Lasse: hej\n[08:31] Lasse: Mitt kort 5210-1097-9723-4279 nekades i portalen.")
    assert analyzer.analyse(ticket, [], "sv").action == "none"


def test_an_address_line_with_commas_stays_in_the_signature_block(analyzer: TicketAnalyzer) -> None:
    body = ("Screenshot to follow.\n\nCheers,\n\nVera Lindgren | HR Systems Officer\n"
            "Kvarnholm Care Group Ltd, Unit 4, Riverside Business Park, Calder Road, Wakefield WF1 3SQ\n"
            "T: 01924 880000 ext. 758 | M: 07818 657893\n")
    assert action_of(analyzer, body, "en") == "none"


# ---------------------------------------------------------------- round N (the same afternoon, last)


def test_an_invoice_addressed_to_the_requester_holds_their_own_address(analyzer: TicketAnalyzer) -> None:
    invoice = "Rechnung\n\nVera Lindgren\nPirckheimerstraße 58\n90408 Nürnberg\n\nRechnungsnr.: RE-1, Betrag 384,00 EUR\n"
    decision = decision_of(analyzer, "Die Anzahlung wurde doppelt abgebucht, Rechnung anbei.", "de",
                           attachment=("rechnung.txt", invoice))
    assert decision.action == "none"


def test_an_account_in_a_document_naming_only_the_requester_is_theirs(analyzer: TicketAnalyzer) -> None:
    report = "Reisekostenabrechnung April\nName: Vera Lindgren\nIBAN: DE89 3704 0044 0532 0130 00\nSumme: 120,00\n"
    decision = decision_of(analyzer, "Meine Abrechnung hängt an.", "de", attachment=("reisekosten.txt", report))
    assert decision.action == "none"


def test_an_address_on_every_row_of_a_table_is_a_places(analyzer: TicketAnalyzer) -> None:
    export = ("Termin;Reise;Buchungsnr;Status\nT-1;Alpen Panoramaweg 1;AP-1;ok\nT-1;Alpen Panoramaweg 1;AP-2;ok\n"
              "T-1;Alpen Panoramaweg 1;AP-3;storniert\n")
    decision = decision_of(analyzer, "Export anbei.", "de", attachment=("export.csv", export))
    assert decision.action == "none"


def test_a_hyphenated_english_town_ends_the_address(scanner: Scanner, rules: Rules) -> None:
    text = "Shoreham | 7 East Street, Shoreham-by-Sea BN43 5ZE | 01273 452 095"
    assert_found(found_of(scanner, rules, text, "en", "STREET_ADDRESS"), "7 East Street, Shoreham-by-Sea BN43 5ZE")
