"""What every platform must do for data-subject requests (``SubjectRequests``): find the
person by address, list their tickets apart from the ones they are only copied on, export a
ticket with its comments and files, and erase the person's record — refusing staff."""

from __future__ import annotations

import io

import pytest

from bridge.platform import CC, REQUESTER, PlatformRejected, SubjectRequests
from tests.contract.harnesses import Harness

PDF = b"%PDF-1.7 " + bytes(range(256)) * 40
ANNA = "anna.lind@example.se"


def subjects(harness: Harness) -> SubjectRequests:
    assert isinstance(harness.platform, SubjectRequests)
    return harness.platform


def test_the_person_is_found_by_the_exact_address_whatever_its_case(every: Harness) -> None:
    ref = every.person(ANNA)
    every.person("lind@example.se")  # a different address that contains part of hers
    found = subjects(every).find_users("Anna.Lind@EXAMPLE.se")
    assert [(p.id, p.role, p.staff) for p in found] == [(ref, "end-user", False)]
    assert ANNA not in repr(found[0])
    assert subjects(every).find_users("nobody@example.se") == []


def test_staff_are_found_as_staff(every: Harness) -> None:
    ref = every.person("agent.smith@example.se", staff=True)
    [person] = subjects(every).find_users("agent.smith@example.se")
    assert person.id == ref and person.staff


def test_requested_and_copied_tickets_are_listed_apart(every: Harness) -> None:
    anna, other = every.person(ANNA), every.person("olle@example.se")
    own = [every.ticket_for(anna, "Mine", "x"), every.ticket_for(anna, "Also mine", "y")]
    copied = every.ticket_for(other, "Olle's", "z", cc=[anna])
    every.ticket_for(other, "Not hers", "w")
    [person] = subjects(every).find_users(ANNA)
    requested = list(subjects(every).tickets_of(person, REQUESTER))
    cc = list(subjects(every).tickets_of(person, CC))
    assert sorted(t.id for t in requested) == sorted(own)
    assert [t.id for t in cc] == [copied]
    assert all(t.relation == REQUESTER and t.status and t.created_at and t.updated_at for t in requested)
    assert cc[0].relation == CC


def test_export_has_subject_description_comments_by_role_and_the_files(every: Harness, tmp_path) -> None:
    anna, agent = every.person(ANNA), every.person("agent.smith@example.se", staff=True)
    ticket = every.ticket_for(anna, "Broken heater", "It stopped on Monday",
                              attachments=[("photo.pdf", PDF, "application/pdf")], reply_by=agent)
    export = subjects(every).export_ticket(ticket)
    assert (export.id, export.subject) == (ticket, "Broken heater")
    assert "It stopped on Monday" in export.description
    roles = [c.author_role for c in export.comments]
    assert "agent" in roles
    assert any("a reply" in c.body for c in export.comments)
    [ref] = export.all_attachments()
    out = io.BytesIO(b"left over from an earlier attempt" * 1000)
    assert subjects(every).download_attachment_to(ref, out, 10 * len(PDF)) == len(PDF)
    assert out.getvalue() == PDF


def test_a_429_while_listing_waits_and_the_listing_is_complete(every: Harness) -> None:
    anna = every.person(ANNA)
    own = {every.ticket_for(anna, f"T{n}", "x") for n in range(3)}
    [person] = subjects(every).find_users(ANNA)
    every.inject_listing([(429, {"Retry-After": "1"})])
    assert {t.id for t in subjects(every).tickets_of(person, REQUESTER)} == own


def test_the_persons_record_is_erased_and_staff_are_refused(every: Harness) -> None:
    anna = every.person(ANNA)
    every.person("agent.smith@example.se", staff=True)
    [person] = subjects(every).find_users(ANNA)
    [staff] = subjects(every).find_users("agent.smith@example.se")
    with pytest.raises(PlatformRejected):
        subjects(every).delete_user(staff)
    erasure = subjects(every).delete_user(person)
    assert erasure.person_id == anna
    assert every.record_gone(anna)
    assert erasure.deleted or erasure.not_removed, "what was not removed must be said"
