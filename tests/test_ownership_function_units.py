"""Works councils, data protection and planning units have function mailboxes; a customer's
building or cleaning object above an address makes it a site's; a store's or a branch's line and
a phone on a company's letterhead line are the organisation's. All values are invented."""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.ownership import ORGANISATION, THIRD_PARTY, holder_of
from bridge.platform import Requester, Ticket
from bridge.rules import Rules

TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))


def in_body(kind: str, body: str, value: str) -> Finding:
    start = body.index(value)
    return Finding(kind, "body", start, start + len(value), 1.0, "test", value=value)


def holder(kind: str, body: str, value: str, rules: Rules) -> str:
    ticket = Ticket(id="1", platform="test", subject="s", body=body, requester=Requester(name="Ann Lee"))
    return holder_of(in_body(kind, body, value), ticket, rules).holder


@pytest.mark.parametrize(
    "address",
    [
        "betriebsrat@fabrik-muster.example", "personalrat@stadt-beispiel.example",
        "mitarbeitervertretung@klinik-nord.example", "gesamtbetriebsrat@fabrik-muster.example",
        "dataskydd@vaxjo-bygg.example", "dataskyddsombud@vaxjo-bygg.example", "skyddsombud@vaxjo-bygg.example",
        "dienstplanung@klinik-nord.example", "schichtplanung@fabrik-muster.example",
        "planering@vaxjo-bygg.example", "works.council@quayside-foods.example", "privacy@quayside-foods.example",
        "dataprotection@quayside-foods.example", "datenschutzbeauftragter@fabrik-muster.example",
    ],
)
def test_works_council_data_protection_and_planning_mailboxes_are_the_organisations(rules: Rules, address: str) -> None:
    body = f'notify: ["{address}"]'
    assert holder("EMAIL_ADDRESS", body, address, rules) == ORGANISATION


def test_a_persons_address_at_a_works_council_stays_a_third_partys(rules: Rules) -> None:
    body = "Kontakt: jonas.becker@fabrik-muster.example"
    assert holder("EMAIL_ADDRESS", body, "jonas.becker@fabrik-muster.example", rules) == THIRD_PARTY


@pytest.mark.parametrize(
    "body, address",
    [
        ("Nytt städobjekt: Kontorshuset Ekbacken, Lillgatan 7, 412 50 Göteborg.", "Lillgatan 7, 412 50 Göteborg"),
        ("Neues Objekt: Bürohaus Lindenhof, Lindenweg 12, 70173 Stuttgart.", "Lindenweg 12, 70173 Stuttgart"),
        ("New cleaning object, the building: Harbour House, 9 Quay Row, Leeds.", "9 Quay Row, Leeds"),
        ("Liegenschaft: Gartenstraße 5, 10115 Berlin", "Gartenstraße 5, 10115 Berlin"),
    ],
)
def test_an_address_after_a_building_or_cleaning_object_word_is_a_sites(rules: Rules, body: str, address: str) -> None:
    assert holder("STREET_ADDRESS", body, address, rules) == ORGANISATION


def test_a_residents_home_address_after_a_building_word_stays_a_third_partys(rules: Rules) -> None:
    body = "The building: the resident's home, 4 Birch Lane, Leeds."
    assert holder("STREET_ADDRESS", body, "4 Birch Lane, Leeds", rules) == THIRD_PARTY


@pytest.mark.parametrize(
    "body, phone",
    [
        ("Butik 7 ska ha 031-555 07 07 som avsändare.", "031-555 07 07"),
        ("Numret är 031-555 07 08 (butikstelefonen i kassan).", "031-555 07 08"),
        ("Filialtelefon 0711 555 4321 bitte eintragen.", "0711 555 4321"),
        ("Please use the store phone 0161 555 0199 as sender.", "0161 555 0199"),
        ("Sender should be 0161 555 0198 (shop landline).", "0161 555 0198"),
    ],
)
def test_a_stores_or_a_branchs_phone_is_the_organisations(rules: Rules, body: str, phone: str) -> None:
    assert holder("PHONE_NUMBER", body, phone, rules) == ORGANISATION


def test_a_mobile_of_someone_in_a_store_stays_a_third_partys(rules: Rules) -> None:
    body = "Butik 7: hennes mobil 070-555 12 34."
    assert holder("PHONE_NUMBER", body, "070-555 12 34", rules) == THIRD_PARTY


@pytest.mark.parametrize(
    "body, phone",
    [
        ("Quayside Foods Ltd, Unit 4, Harbour Road, Cork, +353 21 555 0142, info@quayside-foods.example",
         "+353 21 555 0142"),
        ("Beispiel Handel GmbH, Musterweg 3, 80331 München, +49 89 5550 1234, info@beispiel.example",
         "+49 89 5550 1234"),
    ],
)
def test_a_phone_on_a_companys_letterhead_line_is_the_organisations(rules: Rules, body: str, phone: str) -> None:
    assert holder("PHONE_NUMBER", body, phone, rules) == ORGANISATION


@pytest.mark.parametrize(
    "body, phone",
    [
        ("Quayside Foods Ltd, contact Moira Keane, +353 21 555 0143", "+353 21 555 0143"),
        ("Moira Keane, Quayside Foods Ltd, +353 21 555 0144", "+353 21 555 0144"),
        ("Quayside Foods Ltd, her mobile +353 87 555 0145", "+353 87 555 0145"),
    ],
)
def test_a_person_on_the_letterhead_line_keeps_the_phone_a_third_partys(rules: Rules, body: str, phone: str) -> None:
    assert holder("PHONE_NUMBER", body, phone, rules) == THIRD_PARTY


def test_a_lowercase_word_that_spells_a_suffix_makes_no_letterhead(rules: Rules) -> None:
    body = "Herr Weber ist ab 8 Uhr unter 0711 555 4322 erreichbar."
    assert holder("PHONE_NUMBER", body, "0711 555 4322", rules) == THIRD_PARTY


def test_a_number_at_the_till_stays_a_third_partys(rules: Rules) -> None:
    body = "Kassa: Nils ringer från 070-555 98 76."
    assert holder("PHONE_NUMBER", body, "070-555 98 76", rules) == THIRD_PARTY
