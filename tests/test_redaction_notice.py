"""The redaction notice (issue 17.5) in English, Swedish and German, for staff and for
customers: which kinds were removed from which message (a comment of a date, or the
description), attachments by position and kind, never a value or a file name, and a request
not to send it again; the language is chosen as for the deletion notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.notify import Notice, Notifier
from bridge.notify.render import Renderer

PLACES = {"comment": ["PHONE_NUMBER", "PERSON"], "attachment #2 image": ["SCREENSHOT"]}

EXPECTED = {
    "en": ("Personal data removed from your support request #1001", "Your comment of 2026-12-02 contained",
           "do not send this information again", "the 2nd attachment, an image", "phone number",
           "The rest of your request is unchanged"),
    "sv": ("Personuppgifter borttagna ur ditt supportärende #1001", "Din kommentar från 2026-12-02 innehöll",
           "Skicka inte de här uppgifterna igen", "den 2:a bilagan, en bild", "telefonnummer",
           "Resten av ärendet finns kvar"),
    "de": ("Personenbezogene Daten aus Ihrer Supportanfrage #1001 entfernt", "Ihr Kommentar vom 2026-12-02 enthielt",
           "Bitte senden Sie diese Angaben nicht erneut", "Im 2. Anhang, einem Bild", "Telefonnummer",
           "Ihre Anfrage bleibt im Übrigen unverändert"),
}
STAFF = {"en": "clock number or person code", "sv": "klocknummer", "de": "Personalnummer"}


def notice(locale: str, **changes: object) -> Notice:
    base = Notice(to_email="henrik@kunde.example", to_name="Henrik Dahlberg", locale=locale, ticket_language=None,
                  platform="memory", ticket_id="1001", places=dict(PLACES), idempotency_key="memory:1001:redact",
                  redacted=True, message_date="2026-12-02")
    for key, value in changes.items():
        object.__setattr__(base, key, value)
    return base


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["en", "sv", "de"])
def test_the_comment_notice_says_what_was_removed_from_which_message(lang: str) -> None:
    rendered = Renderer().render(notice(lang))
    assert rendered.language == lang
    subject, message, again, attachment, kind, kept = EXPECTED[lang]
    text = flat(rendered.text)
    assert subject in rendered.subject
    for fragment in (message, again, attachment, kind, kept, STAFF[lang]):
        assert fragment in text, fragment
    assert "Henrik" not in text and "1001" in text
    assert rendered.html is not None and message in flat(rendered.html) and again in flat(rendered.html)


@pytest.mark.parametrize("lang", ["en", "sv", "de"])
def test_customers_are_not_asked_for_a_person_code(lang: str) -> None:
    text = flat(Renderer().render(notice(lang, audience="customers")).text)
    assert STAFF[lang] not in text and EXPECTED[lang][2] in text


@pytest.mark.parametrize("lang, phrase", [("en", "The description of your request contained"),
                                          ("sv", "Beskrivningen i ditt ärende innehöll"),
                                          ("de", "Die Beschreibung Ihrer Anfrage enthielt")])
def test_the_description_notice_names_the_description(lang: str, phrase: str) -> None:
    places = {"body": ["PHONE_NUMBER"]}
    text = flat(Renderer().render(notice(lang, message_date=None, places=places)).text)
    assert phrase in text


def test_the_language_is_chosen_as_for_the_deletion_notice() -> None:
    renderer = Renderer()
    assert renderer.render(notice("en-US", ticket_language="sv", default_locale="en-US")).language == "sv"
    assert renderer.render(notice("de-DE", ticket_language="sv", default_locale="en-US")).language == "de"
    assert renderer.render(notice("fr-FR", ticket_language=None)).language == "en"


def test_a_language_without_redaction_templates_gets_the_english_one(tmp_path: Path) -> None:
    (tmp_path / "fi").mkdir()
    (tmp_path / "fi" / "subject.txt").write_text("Pyyntösi {{ ticket_ref }} on poistettu\n")
    (tmp_path / "fi" / "body.txt").write_text("Hei,\n{% for p in places %}{{ p.where }}{% endfor %}\n")
    rendered = Renderer(override_dir=tmp_path).render(notice("fi"))
    assert rendered.language == "en" and "Personal data removed" in rendered.subject


def test_no_value_and_no_file_name_reaches_the_notice() -> None:
    places = {"comment": ["PHONE_NUMBER"], "attachment:rota_sabine.txt": ["PHONE_NUMBER"]}
    text = Renderer().render(notice("en", places=places)).text
    assert "rota" not in text and "sabine" not in text.lower() and "Elsewhere in the request" in text


def test_the_template_check_renders_the_redaction_notices_too(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "redacted_body.txt").write_text("{{ no_such_thing }}\n")
    checker = Notifier.from_env({"BRIDGE_TEMPLATES_DIR": str(tmp_path)}, data_dir=tmp_path)
    with pytest.raises(Exception, match="broken"):
        checker.check()
