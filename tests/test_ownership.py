"""Whose each finding is: requester, organisation, system or third party (bridge.ownership),
on hand-written mails; only a third party's data counts."""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.ownership import ORGANISATION, REQUESTER, SYSTEM, THIRD_PARTY, holder_of
from bridge.ownership.names import signs_as
from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.structure import read_structure
from tests.structure import mails


def finding_in(body: str, kind: str, value: str, occurrence: int = 0, score: float = 0.9) -> Finding:
    index = -1
    for _ in range(occurrence + 1):
        index = body.index(value, index + 1)
    part = read_structure(body).part_at(index)
    return Finding(kind, "body", index, index + len(value), score, "test", value=value, part=part)


def ticket(body: str, name: str | None = None, email: str | None = None, phone: str | None = None) -> Ticket:
    return Ticket(id="t", platform="test", subject="s", body=body, requester=Requester(name=name, email=email, phone=phone))


@pytest.mark.parametrize(
    "line, profile, same",
    [
        ("Bob Whitfield", "Robert Whitfield", True),
        ("Bob", "Robert Whitfield", True),
        ("R. Whitfield", "Robert Whitfield", True),
        ("RW", "Robert Whitfield", True),
        ("Whitfield", "Robert Whitfield", True),
        ("Chris Hale, IT Manager", "Christopher Hale", True),
        ("Kate Moss", "Katherine Moss", True),
        ("Bob S.", "Robert Smith", True),
        ("Tom Hill", "Robert Whitfield", False),
        ("Bob Hill", "Robert Whitfield", False),
        ("Megan", "Robert Whitfield", False),
    ],
)
def test_a_sign_off_name_means_the_requester_by_nickname_initial_or_surname(line: str, profile: str, same: bool) -> None:
    assert signs_as(line, profile) is same


def test_the_requesters_sign_off_under_a_nickname_holds_their_direct_line(rules: Rules) -> None:
    body = mails.OUTLOOK_EN_REPLY
    t = ticket(body, name="Robert Whitfield", email="bob.whitfield@harbourfoods.co.uk")
    direct = holder_of(finding_in(body, "PHONE_NUMBER", "0161 496 0734"), t, rules)
    assert direct.holder == REQUESTER and "signature" in direct.why
    name = holder_of(finding_in(body, "PERSON", "Bob Whitfield"), t, rules)
    assert name.holder == REQUESTER


def test_a_colleagues_data_in_quoted_history_is_a_third_partys(rules: Rules) -> None:
    body = mails.OUTLOOK_EN_REPLY
    t = ticket(body, name="Robert Whitfield", email="bob.whitfield@harbourfoods.co.uk")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "07700 900461"), t, rules).holder == THIRD_PARTY
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", "megan.clarke@harbourfoods.co.uk"), t, rules).holder == THIRD_PARTY
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", "bob.whitfield@harbourfoods.co.uk"), t, rules).holder == REQUESTER
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", "payroll@harbourfoods.co.uk"), t, rules).holder == ORGANISATION


def test_the_requesters_own_earlier_message_in_the_chain_is_theirs(rules: Rules) -> None:
    body = mails.OUTLOOK_SV_FORWARD
    t = ticket(body, name="Eva Holm")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "070-222 33 44"), t, rules).holder == REQUESTER
    other = ticket(body, name="Anders Berg")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "070-222 33 44"), other, rules).holder == THIRD_PARTY


def test_a_legal_footer_is_the_organisations(rules: Rules) -> None:
    body = mails.THUNDERBIRD_DE_REPLY
    t = ticket(body, name="Stefanie Krause")
    officer = holder_of(finding_in(body, "PERSON", "Klaus Weber"), t, rules)
    assert officer.holder == ORGANISATION and "legal footer" in officer.why
    english = ticket(mails.OUTLOOK_EN_REPLY, name="Stefanie Krause")
    assert holder_of(finding_in(mails.OUTLOOK_EN_REPLY, "STREET_ADDRESS", "4 Quay Street"), english, rules).holder == ORGANISATION
    assert holder_of(finding_in(body, "PHONE_NUMBER", "030 1234567"), t, rules).holder == REQUESTER, "Steffi ~ Stefanie"


@pytest.mark.parametrize(
    "address",
    [
        "payroll-inbound@harbourfoods.co.uk", "admissions@college.ac.uk", "it.servicedesk.emea@acme.com",
        "teamleads@acme.de", "kundtjanst.nord@bygg-nord.se", "schichtplan-sued@pflege.de", "hr-uk@acme.co.uk",
    ],
)
def test_function_mailboxes_are_judged_by_their_words(rules: Rules, address: str) -> None:
    body = f"Please forward it to {address} today."
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", address), ticket(body, name="Ann Lee"), rules).holder == ORGANISATION


@pytest.mark.parametrize(
    "address",
    [
        "mailer-daemon@mx.acme.com", "bounces+12345-abcd@sendgrid.net", "reply+8f3a9c2e7b1d@reply.tool.io",
        "jenkins@ci.acme.com", "notifications@github.com",
    ],
)
def test_system_senders_and_machine_addresses_are_a_systems(rules: Rules, address: str) -> None:
    body = f"The mail came from {address} at 10:00."
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", address), ticket(body, name="Ann Lee"), rules).holder == SYSTEM


@pytest.mark.parametrize(
    "body, value",
    [
        ("Clone it with git clone git@github.com:acme/export.git and retry.", "git@github.com"),
        ("Then ssh deploy@build01 and restart the job.", "deploy@build01"),
        ("The phone registers as sip:alice.berg@pbx.acme.se but drops.", "alice.berg@pbx.acme.se"),
        ("Message-ID: <CAF3x9=abc@mail.gmail.com>", "CAF3x9=abc@mail.gmail.com"),
        ("Call-ID: a84b4c76e66710@pc33.atlanta-voip.com", "a84b4c76e66710@pc33.atlanta-voip.com"),
    ],
)
def test_technical_user_at_host_strings_are_a_systems(rules: Rules, body: str, value: str) -> None:
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", value), ticket(body, name="Ann Lee"), rules).holder == SYSTEM


@pytest.mark.parametrize(
    "address", ["rosa.tan@acme.co.uk", "rtan@acme.co.uk", "planner.jo@acme.de", "anna.svensson1985@gmail.com",
                "support.anna@acme.se", "k.mueller@mail.acme.de"],
)
def test_a_persons_mailbox_stays_a_third_partys(rules: Rules, address: str) -> None:
    body = f"Please add {address} to the group."
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", address), ticket(body, name="Ann Lee"), rules).holder == THIRD_PARTY


def test_toll_free_numbers_are_the_organisations(rules: Rules) -> None:
    body = "Customers ring 0800 028 0345 for the shop."
    assert holder_of(finding_in(body, "PHONE_NUMBER", "0800 028 0345"), ticket(body, name="Ann Lee"), rules).holder == ORGANISATION


def test_a_switchboard_column_is_the_organisations(rules: Rules) -> None:
    body = "Sites:\nSite | Switchboard | Manager mobile\nLeeds | 0113 496 0000 | 07700 900123\nYork | 01904 496000 | 07700 900124\n"
    t = ticket(body, name="Ann Lee")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "0113 496 0000"), t, rules).holder == ORGANISATION
    assert holder_of(finding_in(body, "PHONE_NUMBER", "07700 900123"), t, rules).holder == THIRD_PARTY


def test_what_the_requester_calls_their_own_is_theirs(rules: Rules) -> None:
    body = "Please update it: my new address is 12 Albion Crescent, Leeds LS6 1AB."
    t = ticket(body, name="Ann Lee")
    assert holder_of(finding_in(body, "STREET_ADDRESS", "12 Albion Crescent, Leeds LS6 1AB"), t, rules).holder == REQUESTER
    other = "Please update it: her new address is 12 Albion Crescent, Leeds LS6 1AB."
    assert holder_of(finding_in(other, "STREET_ADDRESS", "12 Albion Crescent, Leeds LS6 1AB"), ticket(other, name="Ann Lee"), rules).holder == THIRD_PARTY


def test_the_policy_counts_only_third_party_data_and_marks_every_finding(rules: Rules) -> None:
    body = mails.OUTLOOK_EN_REPLY
    t = ticket(body, name="Robert Whitfield", email="bob.whitfield@harbourfoods.co.uk")
    own = finding_in(body, "PHONE_NUMBER", "0161 496 0734")
    decision = decide([own], t, rules, [])
    assert decision.action == "none"
    assert [(f.holder, f.part) for f in decision.findings] == [(REQUESTER, "signature")]
    colleague = finding_in(body, "PHONE_NUMBER", "07700 900461")
    decision = decide([own, colleague], t, rules, [])
    assert decision.action == "delete" and decision.counted == [colleague]
    assert decision.counted[0].holder == THIRD_PARTY and decision.counted[0].part == "signature"


@pytest.mark.parametrize(
    "body, kind, value, holder",
    [
        # a first-person word a few words before the value, in the same sentence
        ("On my own record my NI number is displayed as QQ 12 34 56 C, the P60 is right.", "UK_NINO",
         "QQ 12 34 56 C", REQUESTER),
        ("Richtig wäre meine 12345678901, bei mir ist das Feld gesperrt.", "DE_TAX_ID", "12345678901", REQUESTER),
        ("Jag misstänker att mitt personnummer är fel, kolla att det står 800101-0000 på kontot.",
         "SE_PERSONNUMMER", "800101-0000", REQUESTER),
        # ... through a colon that ends the line, and past the requester's own name line
        ("Please send it back to my new home address:\n\nAnn Lee\n3 Wexley Road\nWexley WX1 2AB\n\nThanks",
         "STREET_ADDRESS", "3 Wexley Road\nWexley WX1 2AB", REQUESTER),
        # ... or right after it
        ("It shows my number in full (QQ 12 34 56 C, that's mine) in the log.", "UK_NINO", "QQ 12 34 56 C", REQUESTER),
        # "it's" is no possessive
        ("The portal shows one number, but on my P60 it's QQ 12 34 65 C.", "UK_NINO", "QQ 12 34 65 C", REQUESTER),
        # someone else between the first-person word and the value
        ("My colleague's NI number is QQ 12 34 56 C, please fix it.", "UK_NINO", "QQ 12 34 56 C", THIRD_PARTY),
        ("I updated my records: her NI number is QQ 12 34 56 C.", "UK_NINO", "QQ 12 34 56 C", THIRD_PARTY),
        ("Can you fix my team's report? Tom's mobile is 07700 900999.", "PHONE_NUMBER", "07700 900999", THIRD_PARTY),
        ("Bei mir ist alles gut, aber Kollegin Sabine hat die Nummer 0171 5550123.", "PHONE_NUMBER",
         "0171 5550123", THIRD_PARTY),
    ],
)
def test_what_the_requester_presents_as_theirs_is_theirs(rules: Rules, body: str, kind: str, value: str, holder: str) -> None:
    assert holder_of(finding_in(body, kind, value), ticket(body, name="Ann Lee"), rules).holder == holder


def test_me_in_a_colleagues_quoted_mail_is_the_colleague() -> None:
    from bridge.rules import load_rules

    rules = load_rules(None)
    body = ("Hi, see below from one of my agents.\n\nAnn\n\nOn 25/11/2026 11:37, Wes Brody wrote:\n"
            "> Hi Ann, if it's easier ring me on 07700 900999 before 5.\n> Wes\n")
    t = ticket(body, name="Ann Lee")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "07700 900999"), t, rules).holder == THIRD_PARTY
    own = ("Hi, see my own earlier mail below.\n\nAnn\n\nOn 25/11/2026 11:37, Ann Lee wrote:\n"
           "> Hi, if it's easier ring me on 07700 900999 before 5.\n> Ann\n")
    assert holder_of(finding_in(own, "PHONE_NUMBER", "07700 900999"), ticket(own, name="Ann Lee"), rules).holder == REQUESTER


def test_the_requesters_sign_off_under_a_pet_name_with_their_surname_is_theirs(rules: Rules) -> None:
    body = "Hej,\n\nstämplingarna syns inte.\n\nMvh\nMicke Lindqvist\nLön / IT\nMobil 070-555 44 92\n"
    t = ticket(body, name="Mikael Lindqvist")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "070-555 44 92"), t, rules).holder == REQUESTER
    assert holder_of(finding_in(body, "PERSON", "Micke Lindqvist"), t, rules).holder == REQUESTER
    other = "Hej,\n\nstämplingarna syns inte.\n\nMvh\nMicke Lindqvist\nLön / IT\nMobil 070-555 44 92\n"
    assert holder_of(finding_in(other, "PHONE_NUMBER", "070-555 44 92"), ticket(other, name="Mikael Berg"), rules).holder == THIRD_PARTY


def test_a_legal_footer_never_makes_a_national_id_the_organisations(rules: Rules) -> None:
    body = "Hi,\n\nsee the certificate.\n\nAnn\n\nWexley Ltd, registered in England no. 01234567\nJo Hart 800101-0000\n"
    t = ticket(body, name="Ann Lee")
    assert holder_of(finding_in(body, "PERSON", "Jo Hart"), t, rules).holder == ORGANISATION
    assert holder_of(finding_in(body, "SE_PERSONNUMMER", "800101-0000"), t, rules).holder == THIRD_PARTY


@pytest.mark.parametrize(
    "address, holder",
    [
        # a team's or a process's inbox outside the word lists: words joined by a hyphen, no name
        ("depot-escalations@wexley-foods.co.uk", ORGANISATION),
        ("nx-nights@wexley-foods.co.uk", ORGANISATION),
        ("rechnungseingang@wexley-bau.de", ORGANISATION),
        ("bewerbung@wexley-bau.de", ORGANISATION),
        # a number at a telephony gateway, a timestamped alert id
        ("4681234567@trunk.wexley-carrier.se", SYSTEM),
        ("alert.20261130T214455.77c1@monitor.wexley-cloud.se", SYSTEM),
        # people stay people: a first name, an initial, a dot between names, a freemail domain
        ("anna-lena@wexley-foods.co.uk", THIRD_PARTY),
        ("k-mueller@wexley-bau.de", THIRD_PARTY),
        ("oluwaseun.adeyemi@wexley-foods.co.uk", THIRD_PARTY),
        ("night-owl@gmail.com", THIRD_PARTY),
        # a template of an address is nobody's; a real name beside a template word is someone's
        ("firstname.lastname@wexley-foods.co.uk", SYSTEM),
        ("vorname.nachname@wexley-bau.de", SYSTEM),
        ("fornamn.efternamn@wexley-cloud.se", SYSTEM),
        ("anna.lastname@wexley-foods.co.uk", THIRD_PARTY),
        ("x@wexley-bau.de", THIRD_PARTY),
    ],
)
def test_mailboxes_are_judged_by_the_shape_of_their_local_part(rules: Rules, address: str, holder: str) -> None:
    body = f"Please forward it to {address} today."
    assert holder_of(finding_in(body, "EMAIL_ADDRESS", address), ticket(body, name="Ann Lee"), rules).holder == holder


@pytest.mark.parametrize(
    "body, value, holder",
    [
        ("It can be collected at the depot (Wexley Freight, Unit 9 Mill Park, Wexley WX7 5PN).",
         "Unit 9 Mill Park, Wexley WX7 5PN", ORGANISATION),
        ("Bitte an die Standortadresse liefern:\n\nWexley Fisch GmbH, Standort Nord\nHafenweg 12, 28217 Bremen\n",
         "Hafenweg 12, 28217 Bremen", ORGANISATION),
        ("Skicka tillbaka den till vårt lager: Wexley AB, Godsmottagning, Industrivägen 14, 941 38 Piteå.",
         "Industrivägen 14, 941 38 Piteå", ORGANISATION),
        # a person's address stays theirs, also after a company word in an earlier sentence
        ("Our office is closed. Please send her contract to 12 Albion Crescent, Leeds LS6 1AB.",
         "12 Albion Crescent, Leeds LS6 1AB", THIRD_PARTY),
        ("Our depot driver moved: his new address is 12 Albion Crescent, Leeds LS6 1AB.",
         "12 Albion Crescent, Leeds LS6 1AB", THIRD_PARTY),
        ("Please send it to the engineer's home instead of the depot:\n12 Albion Crescent, Leeds LS6 1AB.",
         "12 Albion Crescent, Leeds LS6 1AB", THIRD_PARTY),
        ("Pick it up from our remote agent at 2217 Juniper Court, Aurora, CO 80014 on Tuesday.",
         "2217 Juniper Court, Aurora, CO 80014", THIRD_PARTY),
    ],
)
def test_a_company_or_site_address_is_the_organisations(rules: Rules, body: str, value: str, holder: str) -> None:
    assert holder_of(finding_in(body, "STREET_ADDRESS", value), ticket(body, name="Ann Lee"), rules).holder == holder


@pytest.mark.parametrize(
    "body, value, holder",
    [
        ("Best regards,\nWexley Support\n+46 8 555 400 00 (Main) | help@wexley-support.se\n", "+46 8 555 400 00", ORGANISATION),
        ("Tel.: +43 1 555 40-0 (Zentrale)\n", "+43 1 555 40-0", ORGANISATION),
        ("Could someone call our finance office on 01632 960 260 (ask for payments)?", "01632 960 260", ORGANISATION),
        ("Support Centre 01632 960 700 · Mob 07700 900 147", "01632 960 700", ORGANISATION),
        ("Support Centre 01632 960 700 · Mob 07700 900 147", "07700 900 147", THIRD_PARTY),
        ("Our office manager Tom is on his mobile 07700 900 148 today.", "07700 900 148", THIRD_PARTY),
    ],
)
def test_office_and_switchboard_lines_are_the_organisations(rules: Rules, body: str, value: str, holder: str) -> None:
    assert holder_of(finding_in(body, "PHONE_NUMBER", value), ticket(body, name="Ann Lee"), rules).holder == holder


@pytest.mark.parametrize(
    "body, kind, value, holder",
    [
        ("Please refund it to our company account:\n\nAccount name: Wexley Garden Centres Ltd\nIBAN: GB33BUKB20201555555555\n",
         "IBAN_CODE", "GB33BUKB20201555555555", ORGANISATION),
        ("Please pay her salary to her new account, IBAN GB33BUKB20201555555555.", "IBAN_CODE",
         "GB33BUKB20201555555555", THIRD_PARTY),
        ("Owner mailbox: wfm-project@wexley-foods.co.uk, prepared by the project lead.", "EMAIL_ADDRESS",
         "wfm-project@wexley-foods.co.uk", ORGANISATION),
        ("enhet: 1020 | funktionsbrevlåda: kundcenter@wexley-kommun.se | växel: 0500-49 80 00", "EMAIL_ADDRESS",
         "kundcenter@wexley-kommun.se", ORGANISATION),
        ("git: Permission denied (publickey) for deploy@gitlab.wexley-retail.com", "EMAIL_ADDRESS",
         "deploy@gitlab.wexley-retail.com", SYSTEM),
    ],
)
def test_company_accounts_shared_mailboxes_and_service_accounts(rules: Rules, body: str, kind: str, value: str, holder: str) -> None:
    assert holder_of(finding_in(body, kind, value), ticket(body, name="Ann Lee"), rules).holder == holder


def test_in_attachment_text_the_findings_own_marker_gives_its_words(rules: Rules) -> None:
    """Two addresses in view: the words before the second one are its own, not the first's."""
    context = "…<STREET_ADDRESS> An: Wexley Kältetechnik GmbH, <STREET_ADDRESS> RMA: RMA-4471…"
    finding = Finding("STREET_ADDRESS", "attachment:1", 400, 430, 0.7, "test", value="Gewerbering 5, 74321 Wexley",
                      context=context, part="attachment")
    assert holder_of(finding, ticket("", name="Ann Lee"), rules).holder == ORGANISATION


def test_the_context_width_matches_the_scanners() -> None:
    from bridge import ownership, scanner

    assert ownership.CONTEXT_CHARS == scanner.CONTEXT_CHARS


def test_a_titled_surname_in_the_greeting_is_the_addressee_not_a_third_party() -> None:
    from bridge.rules import load_rules
    from bridge.scanner import Scanner
    from bridge.findings import TextPart

    rules = load_rules(None)
    body = "Sehr geehrter Herr Meyerhoff,\n\nder Mitarbeiter mit Personalnummer 4471 kann nicht stempeln.\n\nGruß\nAnn Lee"
    decision = decide(Scanner(rules).scan([TextPart("body", body)], "de"), ticket(body, name="Ann Lee"), rules, [])
    assert decision.action == "none", decision.reasons
    other = "Hallo,\n\nbitte Herrn Meyerhoff (Personalnummer 4471) freischalten.\n\nGruß\nAnn Lee"
    decision = decide(Scanner(rules).scan([TextPart("body", other)], "de"), ticket(other, name="Ann Lee"), rules, [])
    assert decision.action == "delete", decision.reasons


def test_the_tail_of_a_message_id_after_an_equals_sign_is_a_systems(rules: Rules) -> None:
    body = "Message-ID: <CAF3x9=Q7a@mail.gmail.com>\n"
    finding = finding_in(body, "EMAIL_ADDRESS", "Q7a@mail.gmail.com")
    assert holder_of(finding, ticket(body, name="Ann Lee"), rules).holder == SYSTEM
    log = "2026-11-30 postfix: from=<ann.berg@wexley-foods.co.uk> status=sent\n"
    other = finding_in(log, "EMAIL_ADDRESS", "ann.berg@wexley-foods.co.uk")
    assert holder_of(other, ticket(log, name="Ann Lee"), rules).holder == THIRD_PARTY


# Invented sign-offs: a short form, then a separator or blank line, then the full name block;
# a Swiss "Grüsse" closing; a one-line field signature. Every number in them is the writer's.
SHORT_THEN_FULL = "Thanks so much,\nMarty\n\n--\nMartina Quist\nPeople Lead\nFenwold Bakeries Ltd\n4 Mill Yard, Brackley\nt: +44 1280 555 610 | m: 07700 900 318\n"
SWISS_CLOSING = "Freundliche Grüsse / Kind regards\nUrs Bächli\nLeiter Technik\nBächli Holz AG\nSägestrasse 9, 9000 St. Gallen\n+41 71 555 12 00\n"
FIELD_LINE = "ok thanks\n\nurs\n--\nUrs Bächli · Technik · Bächli Holz AG · St. Gallen · +41 71 555 12 00\n"
PAGE_BREAK = "Liebe Grüsse\nVreni\n\nVerena Amsler\nLohnbuchhaltung\nAmsler Druck GmbH\nRingstrasse 12, 6300 Zug\nMobil: +41 79 555 31 20\nTel: +41 41 555 70 70\n"


@pytest.mark.parametrize(
    "body, name, value",
    [
        (SHORT_THEN_FULL, "Martina Quist", "+44 1280 555 610"),
        (SHORT_THEN_FULL, "Martina Quist", "07700 900 318"),
        ("Intro line here.\n\n" + SWISS_CLOSING, "Urs Bächli", "+41 71 555 12 00"),
        (FIELD_LINE, "Urs Bächli", "+41 71 555 12 00"),
        ("Kurze Frage.\n\n" + PAGE_BREAK, "Verena Amsler", "+41 41 555 70 70"),
    ],
)
def test_numbers_under_the_requesters_full_name_below_a_short_sign_off_are_theirs(
    rules: Rules, body: str, name: str, value: str
) -> None:
    t = ticket(body, name=name)
    assert holder_of(finding_in(body, "PHONE_NUMBER", value), t, rules).holder == REQUESTER



@pytest.mark.parametrize(
    "sentence, holder",
    [
        ("Bei Rückfragen bin ich tagsüber mobil erreichbar unter +43 660 555 20 41.", REQUESTER),
        ("If anything is unclear I'm reachable on 07700 900 552 all day.", REQUESTER),
        ("Vid frågor nås jag på 070-555 23 18.", REQUESTER),
        ("I think the new driver is reachable on 07700 900 552.", THIRD_PARTY),
        ("Ich habe gehört, Kollegin Brandl ist erreichbar unter +43 660 555 20 41.", THIRD_PARTY),
        ("I asked and she is available on 07700 900 552.", THIRD_PARTY),
    ],
)
def test_a_number_the_writer_says_they_are_reachable_on_is_theirs(rules: Rules, sentence: str, holder: str) -> None:
    body = f"Hallo,\n\nthe export fails.\n\n{sentence}\n\nThanks\n"
    value = next(v for v in ("+43 660 555 20 41", "07700 900 552", "070-555 23 18") if v in body)
    t = ticket(body, name="Ines Wohlgemuth")
    assert holder_of(finding_in(body, "PHONE_NUMBER", value), t, rules).holder == holder


UNNAMED_SIGN_OFF = (
    "Guten Tag\n\nDer Export bricht bei Zeile 40 ab. Die Datei ist angehängt.\n\n"
    "Besten Dank\nHR Services\nBeispielwerke AG | Talstrasse 9 | 9000 St. Gallen\n"
    "Tel. +41 71 555 01 00 | Direkt +41 71 555 01 14\n"
)


def test_contact_lines_of_the_requesters_own_sign_off_that_names_nobody_else_are_theirs(rules: Rules) -> None:
    t = ticket(UNNAMED_SIGN_OFF, name="Lea Brunner", email="lea.brunner@beispielwerke.example")
    assert holder_of(finding_in(UNNAMED_SIGN_OFF, "PHONE_NUMBER", "+41 71 555 01 14"), t, rules).holder == REQUESTER


def test_contact_lines_under_someone_elses_name_in_the_requesters_sign_off_stay_a_third_partys(rules: Rules) -> None:
    body = UNNAMED_SIGN_OFF.replace("HR Services", "Martin Vogel")
    t = ticket(body, name="Lea Brunner", email="lea.brunner@beispielwerke.example")
    assert holder_of(finding_in(body, "PHONE_NUMBER", "+41 71 555 01 14"), t, rules).holder == THIRD_PARTY


# ---------------------------------------------------------------- pasted chat transcripts

CHAT_SV = (
    "Klistrar in tråden:\n\n"
    "[07:41] Tove Lindqvist: skrivaren på plan 2 är trasig\n"
    "[07:44] Henrik Aalto: jag är kvar till lunch, ring mig direkt 073-555 12 90\n"
    "[07:50] Tove Lindqvist: tack, skickar vidare. Min mobil 070-555 88 21\n"
)


def test_a_number_a_chat_speaker_calls_theirs_is_a_third_partys_when_the_speaker_is_not_the_requester(
    rules: Rules,
) -> None:
    held = holder_of(finding_in(CHAT_SV, "PHONE_NUMBER", "073-555 12 90"), ticket(CHAT_SV, name="Tove Lindqvist"), rules)
    assert held.holder == THIRD_PARTY and "chat" in held.why


def test_a_number_the_requester_calls_theirs_in_their_own_chat_line_stays_theirs(rules: Rules) -> None:
    held = holder_of(finding_in(CHAT_SV, "PHONE_NUMBER", "070-555 88 21"), ticket(CHAT_SV, name="Tove Lindqvist"), rules)
    assert held.holder == REQUESTER


def test_a_chat_speaker_named_by_first_name_only_is_the_requester(rules: Rules) -> None:
    body = "[10:02] Tove: call me on 070-555 88 21\n[10:03] Henrik Aalto: ok\n"
    held = holder_of(finding_in(body, "PHONE_NUMBER", "070-555 88 21"), ticket(body, name="Tove Lindqvist"), rules)
    assert held.holder == REQUESTER


@pytest.mark.parametrize(
    "body",
    [
        "Henrik Aalto, [02.03.2026 10:02]: ruf mich an unter 0171 5550199\n",
        "02/03/2026, 10:02 - Henrik Aalto: my number 0171 5550199\n",
    ],
)
def test_first_person_words_in_other_chat_formats_are_the_speakers(rules: Rules, body: str) -> None:
    held = holder_of(finding_in(body, "PHONE_NUMBER", "0171 5550199"), ticket(body, name="Tove Lindqvist"), rules)
    assert held.holder == THIRD_PARTY


# ---------------------------------------------------------------- message ids in prose


@pytest.mark.parametrize(
    "body, value",
    [
        ("Sent by the build bot (Message-ID <beef5678.90210@ci.acme-tools.example>).\n", "beef5678.90210@ci.acme-tools.example"),
        ("See Message-Id: <a1b2c3d4e5@mx.acme-tools.example> for it.\n", "a1b2c3d4e5@mx.acme-tools.example"),
        ("In-Reply-To <9f8e7d6c.4411@mail.acme-tools.example>\n", "9f8e7d6c.4411@mail.acme-tools.example"),
        ("References: <x1@a.example> <k2@mail.acme-tools.example>\n", "k2@mail.acme-tools.example"),
        ("the bounce names 0badc0de1234.77@relay.acme-tools.example only\n", "0badc0de1234.77@relay.acme-tools.example"),
    ],
)
def test_message_ids_written_in_prose_are_a_systems(rules: Rules, body: str, value: str) -> None:
    held = holder_of(finding_in(body, "EMAIL_ADDRESS", value), ticket(body, name="Tove Lindqvist"), rules)
    assert held.holder == SYSTEM


def test_a_persons_address_in_angle_brackets_is_no_message_id(rules: Rules) -> None:
    body = "Please copy Henrik Aalto <henrik.aalto@acme-tools.example> in.\n"
    held = holder_of(finding_in(body, "EMAIL_ADDRESS", "henrik.aalto@acme-tools.example"), ticket(body), rules)
    assert held.holder == THIRD_PARTY


# ---------------------------------------------------------------- the requester's own bank account


@pytest.mark.parametrize(
    "body",
    [
        "I want to change my own bank account in the portal. My new IBAN is GB33 BUKB 2020 1555 5555 55, but it fails.\n",
        "Jag vill byta mitt konto. Min nya IBAN är GB33 BUKB 2020 1555 5555 55 men det går inte.\n",
        "Ich möchte meine eigene Bankverbindung ändern. Meine neue IBAN lautet GB33 BUKB 2020 1555 5555 55, geht aber nicht.\n",
        "Ich möchte meine eigene Bankverbindung ändern. Meine neue IBAN ist GB33 BUKB 2020 1555 5555 55, geht aber nicht.\n",
        "Please update it, my new bank details: GB33 BUKB 2020 1555 5555 55\n",
        "Mitt nya kontonummer GB33 BUKB 2020 1555 5555 55 fungerar inte.\n",
    ],
)
def test_an_iban_the_requester_calls_their_new_one_is_theirs(rules: Rules, body: str) -> None:
    value = "GB33 BUKB 2020 1555 5555 55"
    held = holder_of(finding_in(body, "IBAN_CODE", value), ticket(body, name="Tove Lindqvist"), rules)
    assert held.holder == REQUESTER


def test_a_colleagues_iban_stays_a_third_partys(rules: Rules) -> None:
    body = "Bitte ändern Sie für meine Kollegin die IBAN auf GB33 BUKB 2020 1555 5555 55.\n"
    held = holder_of(finding_in(body, "IBAN_CODE", "GB33 BUKB 2020 1555 5555 55"), ticket(body, name="Tove Lindqvist"), rules)
    assert held.holder == THIRD_PARTY


@pytest.mark.parametrize(
    "body, email, holder",
    [
        # the requester's company named right before the address: the company's premises
        ("The meeting is at Quillon Tooling, Unit 4 Meadow Park, Leeds LS9 2AB. Please attend.",
         "r.dunn@quillon-tooling.example", ORGANISATION),
        ("Treffen bei der Brammer Werkzeugbau GmbH, Hafenstraße 12, 28217 Bremen.",
         "k.ott@brammer-werkzeugbau.de", ORGANISATION),
        # another name before it: a person's address stays a third party's
        ("Please send the letter to Tom Varley, 14 Oak Road, Leeds LS6 1AB.",
         "r.dunn@quillon-tooling.example", THIRD_PARTY),
        # a freemail domain names no company
        ("Please send it via web, Hafenstraße 12, 28217 Bremen.", "k.ott@web.de", THIRD_PARTY),
    ],
)
def test_an_address_right_after_the_requesters_company_name_is_the_companys(
    rules: Rules, body: str, email: str, holder: str
) -> None:
    import re as _re

    value = _re.search(r"(?:Unit \d+ [^.]*?[A-Z]{2}\d \d[A-Z]{2}|Hafenstraße 12, 28217 Bremen|14 Oak Road, Leeds LS6 1AB)", body)
    assert value is not None
    t = ticket(body, name="Requester Person", email=email)
    assert holder_of(finding_in(body, "STREET_ADDRESS", value.group(0)), t, rules).holder == holder


def test_a_code_in_the_field_after_the_requesters_name_is_theirs_a_colleagues_stays_a_third_partys(rules: Rules) -> None:
    from bridge.policy import decide
    from bridge.scanner import Scanner
    from bridge.findings import TextPart

    body = (
        "Name: Katharina Weller\nPersonalnummer: E280156\nAbteilung: Kundenservice\n"
        "Anliegen: Den Zugang für Jan Brodersen (E280199) freischalten.\n"
    )
    t = ticket(body, name="Katharina Weller", email="k.weller@beispiel-pflege.example")
    decision = decide(Scanner(rules).scan([TextPart("body", body)], "de"), t, rules, [])
    holders = {body[f.start:f.end]: f.holder for f in decision.findings if f.entity_type == "PERSON_CODE"}
    assert holders == {"E280156": REQUESTER, "E280199": THIRD_PARTY}


@pytest.mark.parametrize(
    "body, value, holder",
    [
        ("Could you send me the form? I'm on 0161 496 0734 if a call is easier.", "0161 496 0734", REQUESTER),
        ("Please order a new SIM for the night team's shared duty phone (duty line 0161 496 0735).", "0161 496 0735",
         ORGANISATION),
        ("Beställ ett nytt SIM-kort till nattlagets gemensamma jourtelefon (jourlinje 08-555 100 00).", "08-555 100 00",
         ORGANISATION),
        ("Please add 0161 496 0736 to the on-call list for Tom Varley.", "0161 496 0736", THIRD_PARTY),
    ],
)
def test_own_phrases_with_apostrophes_and_shared_duty_phones(rules: Rules, body: str, value: str, holder: str) -> None:
    t = ticket(body, name="Robert Whitfield", email="bob.whitfield@harbourfoods.co.uk")
    assert holder_of(finding_in(body, "PHONE_NUMBER", value), t, rules).holder == holder


@pytest.mark.parametrize(
    "body, value",
    [
        # "the unit" / "enheten" is the device to collect, not a site; "Vår" opening a sentence of prose
        ("Vår kundtjänst kan inte uppdatera den. Hämta enheten på Sjögatan 14, 831 32 Kalmar.", "Sjögatan 14, 831 32 Kalmar"),
        ("The portal still says received. Please collect the unit from 4928 Maple Court, Portland, OR 97201.",
         "4928 Maple Court, Portland, OR 97201"),
    ],
)
def test_a_device_called_the_unit_and_our_in_prose_make_no_site_address(rules: Rules, body: str, value: str) -> None:
    t = ticket(body, name="Robert Whitfield", email="bob.whitfield@harbourfoods.co.uk")
    assert holder_of(finding_in(body, "STREET_ADDRESS", value), t, rules).holder == THIRD_PARTY
