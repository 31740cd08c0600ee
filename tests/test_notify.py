"""Requester notification: rendering per language, no values in the email, SMTP and outbox."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bridge.findings import Decision, Finding
from bridge.notify import Notice, Notifier, NotifyError, message_id_for, notice_for
from bridge.platform import AttachmentRef, Requester, Ticket

LANGUAGES = ("en", "sv", "de")

# What the requester must read for each kind, per language.
KIND_NAMES: dict[str, dict[str, str]] = {
    "PHONE_NUMBER": {"en": "phone number", "sv": "telefonnummer", "de": "Telefonnummer"},
    "EMAIL_ADDRESS": {"en": "email address", "sv": "e-postadress", "de": "E-Mail-Adresse"},
    "STREET_ADDRESS": {"en": "postal address", "sv": "postadress", "de": "Postanschrift"},
    "US_SSN": {"en": "Social Security number", "sv": "socialförsäkringsnummer (SSN)", "de": "US-Sozialversicherungsnummer"},
    "UK_NINO": {"en": "National Insurance number", "sv": "National Insurance number", "de": "National Insurance Number"},
    "UK_NHS": {"en": "NHS number", "sv": "NHS-nummer", "de": "NHS-Nummer"},
    "SE_PERSONNUMMER": {"en": "Swedish personal identity number", "sv": "personnummer", "de": "schwedische Personennummer"},
    "DE_TAX_ID": {"en": "German tax ID", "sv": "Steuer-IdNr.", "de": "Steuer-Identifikationsnummer"},
    "PASSPORT": {"en": "passport number", "sv": "passnummer", "de": "Reisepassnummer"},
    "CREDIT_CARD": {"en": "payment card number", "sv": "kortnummer", "de": "Kreditkartennummer"},
    "IBAN_CODE": {"en": "bank account number (IBAN)", "sv": "bankkontonummer (IBAN)", "de": "Bankverbindung (IBAN)"},
    "DATE_OF_BIRTH": {"en": "date of birth", "sv": "födelsedatum", "de": "Geburtsdatum"},
    "PERSON": {"en": "full name", "sv": "fullständigt namn", "de": "vollständiger Name"},
    "IP_ADDRESS": {"en": "IP address", "sv": "IP-adress", "de": "IP-Adresse"},
    "PERSON_CODE": {"en": "clock number or person code", "sv": "klocknummer", "de": "Personalnummer"},
    "SCREENSHOT": {"en": "screenshot", "sv": "skärmbild", "de": "Screenshot"},
    "SOMETHING_NEW": {"en": "other personal data", "sv": "andra personuppgifter", "de": "weitere personenbezogene Daten"},
}

# place key -> what the requester must read, per language.
PLACES: dict[str, dict[str, str]] = {
    "subject": {"en": "the subject line", "sv": "ämnesraden", "de": "der Betreffzeile"},
    "body": {"en": "the description", "sv": "beskrivningen", "de": "der Beschreibung"},
    "attachment #1 pdf (page 2)": {
        "en": "the 1st attachment, a PDF document (page 2)",
        "sv": "den 1:a bilagan, ett PDF-dokument (sida 2)",
        "de": "1. Anhang, einem PDF-Dokument (Seite 2)",
    },
    "attachment #3 xlsx (sheet)": {
        "en": "the 3rd attachment, a spreadsheet (a sheet)",
        "sv": "den 3:e bilagan, ett kalkylark (ett kalkylblad)",
        "de": "3. Anhang, einer Tabelle (ein Tabellenblatt)",
    },
    "attachment #4 zip (inner #2 text)": {
        "en": "the 4th attachment, a ZIP archive (the 2nd file in it, a text file)",
        "sv": "den 4:e bilagan, ett ZIP-arkiv (den 2:a filen i den, en textfil)",
        "de": "4. Anhang, einem ZIP-Archiv (in der 2. Datei darin, einer Textdatei)",
    },
    "attachment #2 image": {"en": "the 2nd attachment, an image", "sv": "den 2:a bilagan, en bild",
                            "de": "2. Anhang, einem Bild"},
}

SUBJECT_LINES = {
    "en": "Your support request #4711 has been deleted",
    "sv": "Ditt supportärende #4711 har raderats",
    "de": "Ihre Supportanfrage #4711 wurde gelöscht",
}

# A ticket seeded with one known value per kind; none of these may reach the email.
SEEDED_VALUES: dict[str, str] = {
    "PERSON": "Annika Bergqvist",
    "EMAIL_ADDRESS": "annika.bergqvist@privatmail.example",
    "PHONE_NUMBER": "+46 70 123 45 67",
    "STREET_ADDRESS": "Storgatan 12, 114 55 Stockholm",
    "DATE_OF_BIRTH": "12/03/1984",
    "US_SSN": "078-05-1120",
    "UK_NINO": "QQ 12 34 56 C",
    "UK_NHS": "943 476 5919",
    "SE_PERSONNUMMER": "19840312-2387",
    "DE_TAX_ID": "86095742719",
    "PASSPORT": "X9Q2L7741",
    "CREDIT_CARD": "4111 1111 1111 1111",
    "IBAN_CODE": "SE45 5000 0000 0583 9825 7466",
    "IP_ADDRESS": "83.250.17.209",
    "PERSON_CODE": "klocknummer 88231",
}
SEEDED_SUBJECT = f"Lönefel för {SEEDED_VALUES['PERSON']}, ring {SEEDED_VALUES['PHONE_NUMBER']}"
SEEDED_BODY = "Hej,\n" + "\n".join(f"{kind}: {value}" for kind, value in SEEDED_VALUES.items()) + "\nMvh Requester Person"
SEEDED_ATTACHMENT = f"Page 2 of the report lists {SEEDED_VALUES['PERSON']}, born {SEEDED_VALUES['DATE_OF_BIRTH']}."
REQUESTER = Requester(name="Requester Person", email="requester.person@customer.example", locale="sv-SE")


# ---------------------------------------------------------------------------- helpers


def make_notice(**changes: Any) -> Notice:
    base = Notice(
        to_email="requester.person@customer.example",
        to_name="Requester Person",
        locale="en-GB",
        ticket_language="en",
        platform="zendesk",
        ticket_id="4711",
        places={"body": ["PHONE_NUMBER"], "attachment #1 pdf (page 2)": ["PERSON", "SE_PERSONNUMMER"]},
        idempotency_key="zendesk:4711:delete",
    )
    return dataclasses.replace(base, **changes)


def parts(message: EmailMessage) -> tuple[str, str, str]:
    """Subject, plain text and HTML as the recipient's mail client shows them."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(message["Subject"]), text.get_content(), html.get_content()


def visible(message: EmailMessage) -> str:
    """Everything in the message except the To header (the requester's own address)."""
    headers = "\n".join(f"{k}: {v}" for k, v in message.items() if k.lower() != "to")
    return "\n".join([headers, *parts(message)])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def outbox_notifier(tmp_path: Path, **env: str) -> Notifier:
    return Notifier.from_env(env, data_dir=tmp_path)


class Sink:
    """aiosmtpd handler that keeps what it received; can refuse recipients."""

    def __init__(self, refuse_rcpt: str | None = None) -> None:
        self.envelopes: list[Any] = []
        self.refuse_rcpt = refuse_rcpt

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def received(sink: Sink) -> EmailMessage:
    assert len(sink.envelopes) == 1
    msg = email.message_from_bytes(sink.envelopes[0].content, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


# ------------------------------------------------------------------------ SMTP mode


def test_smtp_delivers_a_multipart_message_with_the_agreed_headers(smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?helo=bridge.test", "MAIL_FROM": "Support <noreply@vendor.example>"})
    notice = make_notice()

    message_id = notifier.send(notice)

    assert message_id == message_id_for(notice.idempotency_key)
    envelope = sink.envelopes[0]
    assert envelope.mail_from == "noreply@vendor.example"
    assert envelope.rcpt_tos == ["requester.person@customer.example"]
    msg = received(sink)
    assert msg["Message-ID"] == message_id
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"] is not None
    assert msg["To"].addresses[0].display_name == "Requester Person"
    assert msg["To"].addresses[0].addr_spec == "requester.person@customer.example"
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    subject, text, html = parts(msg)
    assert subject.startswith(SUBJECT_LINES["en"])
    assert "phone number" in text and "phone number" in html



def test_smtp_international_address_and_name(smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?helo=bridge.test"})
    notifier.send(make_notice(to_email="åsa.öberg@exempel.se", to_name="Åsa Öberg", locale="sv"))
    assert sink.envelopes[0].rcpt_tos == ["åsa.öberg@exempel.se"]
    assert "SMTPUTF8" in sink.envelopes[0].mail_options
    # RFC 6532 headers are raw UTF-8; the stdlib parses them from str, not bytes.
    msg = email.message_from_string(sink.envelopes[0].original_content.decode("utf-8"), policy=email.policy.default)
    assert msg["To"].addresses[0].display_name == "Åsa Öberg"
    assert msg["To"].addresses[0].addr_spec == "åsa.öberg@exempel.se"

def test_smtp_login_with_escaped_password(tmp_path: Path) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"p@ss:w/rd", handled=False)

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        good = Notifier.from_env({"SMTP_URL": f"smtp://mailer:p%40ss%3Aw%2Frd@127.0.0.1:{port}?helo=bridge.test"})
        good.check()
        good.send(make_notice())
        assert len(sink.envelopes) == 1
        assert "p%40ss" not in good.describe() and "mailer" not in good.describe()

        bad = Notifier.from_env({"SMTP_URL": f"smtp://mailer:wrong@127.0.0.1:{port}?helo=bridge.test"})
        with pytest.raises(NotifyError) as info:
            bad.send(make_notice(idempotency_key="other"))
        assert info.value.transient is False
        assert "wrong" not in str(info.value)
    finally:
        controller.stop()
    assert (b"mailer", b"p@ss:w/rd") in seen


def test_smtp_unreachable_raises_from_check_and_send() -> None:
    port = free_port()  # nothing listens there
    notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?helo=bridge.test"})
    assert notifier.describe() == f"SMTP smtp://127.0.0.1:{port}"
    with pytest.raises(NotifyError) as checked:
        notifier.check()
    assert "SMTP_URL" in str(checked.value)
    with pytest.raises(NotifyError) as sent:
        notifier.send(make_notice())
    assert sent.value.transient is True
    assert "requester.person" not in str(sent.value)
    assert sent.value.__cause__ is None and sent.value.__suppress_context__


def test_smtp_refused_recipient_is_permanent_and_does_not_name_the_address() -> None:
    sink = Sink(refuse_rcpt="550 5.1.1 {address}: user unknown")
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?helo=bridge.test"})
        with pytest.raises(NotifyError) as info:
            notifier.send(make_notice())
    finally:
        controller.stop()
    assert info.value.transient is False
    assert "550" in str(info.value)
    assert "requester.person" not in str(info.value)
    assert sink.envelopes == []


def test_starttls_requested_but_not_offered_fails_check(smtp_server: tuple[Sink, int]) -> None:
    _, port = smtp_server
    notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?starttls=1&helo=bridge.test"})
    assert notifier.describe() == f"SMTP smtp://127.0.0.1:{port}?starttls=1"
    with pytest.raises(NotifyError) as info:
        notifier.check()
    assert info.value.transient is False
    assert "STARTTLS" in str(info.value)


@pytest.mark.parametrize(
    "url, hint",
    [
        ("http://mail.example.com", "smtp://"),
        ("smtp://", "no host"),
        ("smtps://mail.example.com?starttls=1", "already uses TLS"),
        ("smtp://mail.example.com?starttls=maybe", "starttls"),
        ("smtp://mail.example.com?startls=1", "unknown option"),
        ("smtp://mail.example.com:99999", "port"),
    ],
)
def test_bad_smtp_url_is_a_config_error(url: str, hint: str) -> None:
    with pytest.raises(NotifyError, match=re.escape(hint)):
        Notifier.from_env({"SMTP_URL": url})


def test_describe_hides_credentials_and_knows_default_ports() -> None:
    assert Notifier.from_env({"SMTP_URL": "smtps://u:secret@mail.example.com"}).describe() == "SMTP smtps://mail.example.com:465"
    assert Notifier.from_env({"SMTP_URL": "smtp://u:secret@mail.example.com"}).describe() == "SMTP smtp://mail.example.com:25"


# ---------------------------------------------------------------------- outbox mode


def test_outbox_writes_one_eml_once_per_key(tmp_path: Path) -> None:
    notifier = outbox_notifier(tmp_path)
    assert notifier.describe() == f"outbox {tmp_path.resolve() / 'outbox'}"
    notice = make_notice()

    first = notifier.send(notice)
    again = notifier.send(notice)

    assert first == again == message_id_for(notice.idempotency_key)
    files = list((tmp_path / "outbox").iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"
    assert files[0].name == first.strip("<>") + ".eml"
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["Message-ID"] == first
    assert msg["To"].addresses[0].addr_spec == notice.to_email

    other = notifier.send(make_notice(idempotency_key="zendesk:4712:delete", ticket_id="4712"))
    assert other != first
    assert len(list((tmp_path / "outbox").iterdir())) == 2



def test_outbox_keeps_an_international_address_readable(tmp_path: Path) -> None:
    outbox_notifier(tmp_path).send(make_notice(to_email="åsa.öberg@exempel.se", to_name="Åsa Öberg"))
    [path] = (tmp_path / "outbox").glob("*.eml")
    msg = email.message_from_string(path.read_bytes().decode("utf-8"), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "åsa.öberg@exempel.se"
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # it holds the requester's address

def test_outbox_from_bridge_data_dir(tmp_path: Path) -> None:
    notifier = Notifier.from_env({"BRIDGE_DATA_DIR": str(tmp_path / "d")})
    notifier.check()
    notifier.send(make_notice())
    assert len(list((tmp_path / "d" / "outbox").glob("*.eml"))) == 1
    assert not list((tmp_path / "d" / "outbox").glob(".*"))  # probe and temporary files are gone


def test_outbox_unwritable_raises_with_hint(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")  # a file where the data folder should be (fails even as root)
    notifier = Notifier.from_env({}, data_dir=blocker)
    with pytest.raises(NotifyError, match="BRIDGE_DATA_DIR"):
        notifier.check()
    with pytest.raises(NotifyError, match="outbox"):
        notifier.send(make_notice())


def test_message_id_is_deterministic() -> None:
    first = message_id_for("jira:SD-9:delete")
    assert first == message_id_for("jira:SD-9:delete")
    assert first != message_id_for("jira:SD-10:delete")
    assert re.fullmatch(r"<[0-9a-f]{32}@gdpr-bridge>", first)


# ------------------------------------------------------------------ language choice


@pytest.mark.parametrize(
    "locale, ticket_language, expected",
    [
        ("sv-SE", "en", "sv"),  # the requester's locale wins
        ("sv_SE", None, "sv"),
        ("DE", None, "de"),
        ("de-AT", "sv", "de"),
        ("en-GB", "de", "en"),
        ("fr-FR", "de", "de"),  # no French templates: the ticket's language
        ("fr", "sv", "sv"),
        (None, "de", "de"),
        ("fr-FR", "fi", "en"),  # neither: English
        (None, None, "en"),
        ("", "", "en"),
    ],
)
def test_language_choice(tmp_path: Path, locale: str | None, ticket_language: str | None, expected: str) -> None:
    notifier = outbox_notifier(tmp_path)
    msg = notifier.render(make_notice(locale=locale, ticket_language=ticket_language))
    subject, _, _ = parts(msg)
    assert subject.startswith(SUBJECT_LINES[expected])
    assert msg["Content-Language"] == expected


# ------------------------------------------------- every kind, every place, no values


@pytest.fixture(scope="module")
def seeded() -> tuple[Ticket, Decision]:
    """A ticket carrying known values, and a decision built from findings on them."""
    ticket = Ticket(
        id="4711",
        platform="zendesk",
        subject=SEEDED_SUBJECT,
        body=SEEDED_BODY,
        requester=REQUESTER,
        attachments=[AttachmentRef("1", "report.pdf", "application/pdf"), AttachmentRef("2", "screen.png", "image/png")],
    )
    findings: list[Finding] = []

    def find(kind: str, place: str, text: str, value: str, detail: str | None = None) -> None:
        start = text.index(value)
        findings.append(Finding(kind, place, start, start + len(value), 0.9, "seed", value=value, detail=detail))

    find("PERSON", "subject", ticket.subject, SEEDED_VALUES["PERSON"])
    find("PHONE_NUMBER", "subject", ticket.subject, SEEDED_VALUES["PHONE_NUMBER"])
    for kind, value in SEEDED_VALUES.items():
        find(kind, "body", ticket.body, value)
    find("PERSON", "attachment:report.pdf", SEEDED_ATTACHMENT, SEEDED_VALUES["PERSON"], "page 2")
    find("DATE_OF_BIRTH", "attachment:report.pdf", SEEDED_ATTACHMENT, SEEDED_VALUES["DATE_OF_BIRTH"], "page 2")
    places: dict[str, list[str]] = {}
    for f in findings:
        where = f"{f.place} ({f.detail})" if f.detail else f.place
        places.setdefault(where, [])
        if f.entity_type not in places[where]:
            places[where].append(f.entity_type)
    places["attachment:screen.png"] = ["SCREENSHOT"]
    return ticket, Decision(action="delete", reasons=["direct identifier"], places=places, findings=findings, counted=findings)


def assert_no_seeded_value(msg: EmailMessage, ticket: Ticket) -> None:
    shown = visible(msg)
    for value in [*SEEDED_VALUES.values(), "88231", ticket.subject, "Lönefel"]:
        assert value not in shown, f"a ticket value reached the email: {value!r}"
    # The requester's own name is only the To display name, not in the text.
    assert REQUESTER.name and REQUESTER.name not in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_seeded_ticket_email_names_kinds_and_places_but_no_values(tmp_path: Path, seeded: tuple[Ticket, Decision], lang: str) -> None:
    ticket, decision = seeded
    notice = notice_for(ticket, decision, ticket_language=lang)
    notice = dataclasses.replace(notice, locale=lang)
    msg = outbox_notifier(tmp_path).render(notice)

    assert_no_seeded_value(msg, ticket)
    _, text, html = parts(msg)
    for body in (text, html):
        for kind in SEEDED_VALUES:
            assert KIND_NAMES[kind][lang] in body, kind
        for place in ("subject", "body", "attachment #1 pdf (page 2)", "attachment #2 image"):
            assert PLACES[place][lang] in body, place
        assert "report.pdf" not in body and "screen.png" not in body
    assert "#4711" in str(msg["Subject"])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(KIND_NAMES))
def test_each_kind_in_each_place(tmp_path: Path, lang: str, kind: str) -> None:
    places = {place: [kind] for place in PLACES}
    msg = outbox_notifier(tmp_path).render(make_notice(locale=lang, places=places))
    subject, text, html = parts(msg)
    for body in (text, html):
        assert KIND_NAMES[kind][lang] in body
        assert kind not in body  # a human name, not the code
        for place in PLACES:
            assert PLACES[place][lang] in body, place
    assert KIND_NAMES[kind][lang] not in subject  # the subject says nothing about the content


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_place_is_not_spelled_out(tmp_path: Path, lang: str) -> None:
    msg = outbox_notifier(tmp_path).render(make_notice(locale=lang, places={"comment:Annika Bergqvist": ["PERSON"]}))
    assert "Annika" not in visible(msg)
    assert KIND_NAMES["PERSON"][lang] in parts(msg)[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshot_advice_only_when_an_image_was_rejected(tmp_path: Path, lang: str) -> None:
    advice = {"en": "cannot accept screenshots", "sv": "inte ta emot skärmbilder", "de": "Screenshots und andere Bilder"}[lang]
    notifier = outbox_notifier(tmp_path)
    with_image = parts(notifier.render(make_notice(locale=lang, places={"attachment #1 image": ["SCREENSHOT"]})))[1]
    without = parts(notifier.render(make_notice(locale=lang)))[1]
    assert advice in with_image and advice not in without


def test_jira_keys_are_not_prefixed_with_a_hash(tmp_path: Path) -> None:
    msg = outbox_notifier(tmp_path).render(make_notice(platform="jira", ticket_id="SD-42"))
    assert "request SD-42 " in str(msg["Subject"])


# ---------------------------------------------------------------- HTML, env options


def test_a_place_that_still_names_a_file_reads_elsewhere(tmp_path: Path) -> None:
    """The renderer spells out only neutral places: a raw file name never reaches the email."""
    places = {"attachment:<b>x</b> anna.berg@example.se.pdf (page 1)": ["PHONE_NUMBER"]}
    msg = outbox_notifier(tmp_path).render(make_notice(places=places))
    shown = visible(msg)
    assert "anna.berg" not in shown and "<b>x</b>" not in shown and "&lt;b&gt;" not in shown
    assert "Elsewhere in the request: phone number" in parts(msg)[1]


def test_portal_link_and_organisation(tmp_path: Path) -> None:
    plain = outbox_notifier(tmp_path)
    _, text, html = parts(plain.render(make_notice()))
    assert "raise a new request here" not in text and "<a " not in html
    assert "The support team" in text

    configured = outbox_notifier(tmp_path, BRIDGE_PORTAL_URL="https://help.vendor.example/new?a=1&b=2", BRIDGE_ORG_NAME="Vendor AB")
    _, text, html = parts(configured.render(make_notice()))
    assert "You can raise a new request here: https://help.vendor.example/new?a=1&b=2" in text
    assert 'href="https://help.vendor.example/new?a=1&amp;b=2"' in html
    assert "The Vendor AB support team" in text and "The Vendor AB support team" in html
    _, sv_text, _ = parts(configured.render(make_notice(locale="sv")))
    assert "Supportteamet på Vendor AB" in sv_text


@pytest.mark.parametrize(
    "env, hint",
    [
        ({"BRIDGE_PORTAL_URL": "javascript:alert(1)"}, "BRIDGE_PORTAL_URL"),
        ({"MAIL_FROM": "not an address"}, "MAIL_FROM"),
        ({"BRIDGE_TEMPLATES_DIR": "/nonexistent/templates"}, "BRIDGE_TEMPLATES_DIR"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, env: dict[str, str], hint: str) -> None:
    with pytest.raises(NotifyError, match=hint):
        outbox_notifier(tmp_path, **env)


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b.example\r\nBcc: x@y.example"])
def test_bad_recipient_is_a_permanent_error(tmp_path: Path, address: str) -> None:
    with pytest.raises(NotifyError) as info:
        outbox_notifier(tmp_path).send(make_notice(to_email=address))
    assert info.value.transient is False
    assert not list(tmp_path.rglob("*.eml"))


def test_name_with_line_break_stays_a_display_name(tmp_path: Path) -> None:
    msg = outbox_notifier(tmp_path).render(make_notice(to_name="Eve\r\nBcc: x@y.example"))
    assert msg["Bcc"] is None
    assert msg["To"].addresses[0].display_name == "Eve Bcc: x@y.example"
    assert len(msg["To"].addresses) == 1


def test_notice_for_requires_a_requester_address() -> None:
    ticket = Ticket(id="1", platform="zendesk", subject="s", body="b", requester=Requester(name="X"))
    with pytest.raises(NotifyError):
        notice_for(ticket, Decision(action="delete", places={"body": ["PHONE_NUMBER"]}), "en")


def test_notice_repr_hides_the_recipient() -> None:
    assert "requester.person" not in repr(make_notice())


# ---------------------------------------------------------------------- overrides


def test_override_dir_beats_builtin(tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    (override / "en").mkdir(parents=True)
    (override / "en" / "subject.txt").write_text("Request {{ ticket_ref }} removed by {{ org_name or 'us' }}\n")
    (override / "en" / "names.yaml").write_text("kinds:\n  PHONE_NUMBER: telephone number\n")
    (override / "fr").mkdir()
    (override / "fr" / "subject.txt").write_text("Votre demande {{ ticket_ref }} a été supprimée\n")
    (override / "fr" / "body.txt").write_text("{% for p in places %}{{ p.where }} : {{ p.kinds_text }}\n{% endfor %}")
    notifier = outbox_notifier(tmp_path, BRIDGE_TEMPLATES_DIR=str(override))

    msg = notifier.render(make_notice())
    subject, text, html = parts(msg)
    assert subject == "Request #4711 removed by us"
    assert "telephone number" in text and "telephone number" in html  # the override names
    assert "Swedish personal identity number" in text  # the rest still built in
    assert "Thank you for contacting us" in text  # body.txt still built in

    french = notifier.render(make_notice(locale="fr-FR"))
    assert str(french["Subject"]) == "Votre demande #4711 a été supprimée"
    assert french.get_content_type() == "text/plain"  # no body.html: plain text only
    assert "in the description : telephone number" in french.get_content()  # names fall back to English

    swedish = notifier.render(make_notice(locale="sv"))  # untouched languages are built in
    assert str(swedish["Subject"]).startswith(SUBJECT_LINES["sv"])
    notifier.check()


def test_broken_override_template_fails_check(tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    (override / "de").mkdir(parents=True)
    (override / "de" / "body.txt").write_text("Hallo {{ requester_name }}\n")  # not given to templates
    notifier = outbox_notifier(tmp_path, BRIDGE_TEMPLATES_DIR=str(override))
    with pytest.raises(NotifyError, match="'de'") as info:
        notifier.check()
    assert info.value.transient is False
    with pytest.raises(NotifyError):
        notifier.render(make_notice(locale="de"))



@pytest.mark.parametrize(
    "locale, ticket_language, expected",
    [
        ("en-US", "sv", "sv"),  # left on the platform's default: the ticket's language
        ("en_US", "sv", "sv"),  # Jira spells it en_US
        ("en", "de", "de"),  # a bare "en" is no choice either
        ("en-GB", "sv", "en"),  # chosen: the requester's locale wins
        ("de-DE", "sv", "de"),
        ("en-US", "fi", "en"),  # no Finnish templates: the requester's (default) locale
        ("en-US", None, "en"),
        (None, "sv", "sv"),
    ],
)
def test_language_precedence_with_the_platform_default_locale(tmp_path: Path, locale: str | None,
                                                              ticket_language: str | None, expected: str) -> None:
    notifier = outbox_notifier(tmp_path)
    msg = notifier.render(make_notice(locale=locale, ticket_language=ticket_language, default_locale="en-US"))
    assert str(msg["Subject"]).startswith(SUBJECT_LINES[expected]) and msg["Content-Language"] == expected


STAFF_WORDING = {"en": "clock number or person code", "sv": "klocknummer", "de": "Personalnummer"}
CUSTOMER_WORDING = {"en": "without their name or contact details", "sv": "utan namn eller kontaktuppgifter",
                    "de": "ohne deren Namen oder Kontaktdaten"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_audience_wording_in_each_language_over_smtp(smtp_server: tuple[Sink, int], lang: str) -> None:
    sink, port = smtp_server
    notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{port}?helo=bridge.test"})
    for audience in ("staff", "customers"):
        notifier.send(make_notice(locale=lang, audience=audience, idempotency_key=f"audience:{lang}:{audience}"))
    staff, customers = (email.message_from_bytes(e.content, policy=email.policy.default) for e in sink.envelopes[-2:])
    for msg, wanted, unwanted in ((staff, STAFF_WORDING, CUSTOMER_WORDING), (customers, CUSTOMER_WORDING, STAFF_WORDING)):
        _, text, html = parts(msg)  # type: ignore[arg-type]
        flat_text, flat_html = " ".join(text.split()), " ".join(html.split())
        assert wanted[lang] in flat_text and wanted[lang] in flat_html
        assert unwanted[lang] not in flat_text and unwanted[lang] not in flat_html
    _, customer_text, _ = parts(customers)  # type: ignore[arg-type]
    for word in ("employee", "medarbetare", "Mitarbeiter", "clock", "klocknummer", "Personalnummer"):
        assert word not in customer_text
