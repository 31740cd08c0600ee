"""Mailboxes of places of work, offices, departments and systems are the organisation's; an
address on a company domain that nothing reads as a person's is weak evidence (review)."""

from __future__ import annotations

import pytest

from bridge.confidence import impersonal_address
from bridge.findings import Finding
from bridge.ownership import ORGANISATION, THIRD_PARTY, holder_of
from bridge.ownership.mailboxes import freemail, names_a_person
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules

TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))


def email(value: str, context: str | None = None) -> Finding:
    return Finding("EMAIL_ADDRESS", "body", 0, len(value), 1.0, "test", value=value, context=context)


def in_body(body: str, value: str) -> Finding:
    start = body.index(value)
    return Finding("EMAIL_ADDRESS", "body", start, start + len(value), 1.0, "test", value=value)


@pytest.mark.parametrize(
    "address",
    [
        "store41@quillmart.co.uk", "shop-7@quillmart.co.uk", "depot.north@haulwell.com",
        "filiale12@brotecke.de", "markt-ost@brotecke.de", "butik9@klippan-sko.se",
        "lager2@klippan-sko.se", "buero@fliesen-huber.at", "büro@fliesen-huber.at",
        "kontoret@klippan-sko.se", "kansliet@orebro-ik.se", "empfang@hotel-linde.de",
        "bauleitung@fliesen-huber.at", "einkauf@brotecke.de", "verkauf@brotecke.de",
        "ekonomi@klippan-sko.se", "hrsystems@quillmart.co.uk", "itsystems@haulwell.com",
        "store.manager@quillmart.co.uk", "edv@brotecke.de",
    ],
)
def test_mailboxes_of_places_offices_departments_and_systems_are_the_organisations(rules: Rules, address: str) -> None:
    body = f"Please send the weekly report to {address} again."
    assert holder_of(in_body(body, address), TICKET, rules).holder == ORGANISATION


@pytest.mark.parametrize(
    "address", ["maja.lindqvist@klippan-sko.se", "storeanna@quillmart.co.uk", "b.kessler@brotecke.de"]
)
def test_a_persons_address_beside_the_new_words_stays_a_third_partys(rules: Rules, address: str) -> None:
    body = f"Please send the weekly report to {address} again."
    assert holder_of(in_body(body, address), TICKET, rules).holder == THIRD_PARTY


@pytest.mark.parametrize(
    "domain, free",
    [("gmail.com", True), ("yahoo.co.uk", True), ("web.de", True), ("mail.quillmart.co.uk", False),
     ("quillmart.co.uk", False), ("klippan-sko.se", False)],
)
def test_freemail_is_told_by_the_registered_name_of_the_domain(domain: str, free: bool) -> None:
    assert freemail(domain) is free


@pytest.mark.parametrize(
    "address, display, person",
    [
        ("maja.lindqvist@x.example", "", True),  # a first name as a word
        ("majalindqvist@x.example", "", True),  # a first name starting its only word
        ("b.kessler@x.example", "", True),  # an initial beside a word
        ("kessler-b@x.example", "", True),
        ("bkessler@x.example", "", False),  # one word without a first name: ambiguous, read as no person's
        ("kessler@x.example", "", False),
        ("kontor7@x.example", "", False),  # a short name ("kon") does not start a word of six letters
        ("tills7@x.example", "From: Orla Brennan <", True),  # a display name with a first name
        ("tills7@x.example", "From: <PERSON> <", True),  # a name finding right before it
        ("tills7@x.example", "From: Till Desk 7 Manager <", False),  # no first name in the display name
        ("tills7@x.example", "Maja Lindqvist wrote: to <", False),  # a name before a delimiter is no display name
    ],
)
def test_an_address_reads_as_a_persons_by_its_names_initials_or_display_name(
    rules: Rules, address: str, display: str, person: bool
) -> None:
    from bridge.ownership import first_name_test

    assert names_a_person(address, display, first_name_test(rules)) is person


def test_an_address_on_a_company_domain_that_names_no_person_goes_to_review(rules: Rules) -> None:
    decision = decide([email("loadingbay4@quillmart.co.uk", "Please write to <EMAIL_ADDRESS> soon")], TICKET, rules, [])
    assert decision.action == "review"
    assert "no person's name" in decision.reasons[0]


@pytest.mark.parametrize(
    "value, context",
    [
        ("loadingbay4@gmail.com", "Please write to <EMAIL_ADDRESS> soon"),  # freemail stays strong
        ("maja.lindqvist@quillmart.co.uk", "Please write to <EMAIL_ADDRESS> soon"),
        ("o.brennan@quillmart.co.uk", None),
        ("loadingbay4@quillmart.co.uk", "From: Orla Brennan <<EMAIL_ADDRESS>>"),
    ],
)
def test_an_address_that_names_a_person_or_is_freemail_still_deletes(rules: Rules, value: str, context: str | None) -> None:
    assert decide([email(value, context)], TICKET, rules, []).action == "delete"


def test_the_switch_turns_the_weak_address_rule_off(rules: Rules) -> None:
    off = rules.model_copy(deep=True)
    off.confidence.weak.address_without_person = False
    assert decide([email("loadingbay4@quillmart.co.uk")], TICKET, off, []).action == "delete"


def test_the_weak_address_rule_uses_a_given_first_name_test() -> None:
    finding = email("zorblax@quillmart.co.uk")
    assert impersonal_address(finding, lambda word: False)
    assert not impersonal_address(finding, lambda word: word == "zorblax")
