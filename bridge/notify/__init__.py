"""The email to the requester of a ticket that is about to be deleted.

``Notifier.send(notice)`` renders the email in the requester's language (see
``bridge.notify.render`` for templates and the ``BRIDGE_TEMPLATES_DIR`` override) and
hands it to SMTP (``SMTP_URL``, see ``bridge.notify.transport``) or, when ``SMTP_URL``
is unset, writes it to ``<data_dir>/outbox/<message-id>.eml``.

The email names the kinds of data found and where (subject line, description,
attachment by position and kind, never by its file name), and the ticket number; it never holds ticket text or a
found value, and the requester's name appears only as the display name in ``To``.
The Message-ID is derived from ``Notice.idempotency_key``, so a retried send carries
the same Message-ID and the outbox keeps one file per key. Logs carry the Message-ID
only.

Settings (``bridge.settings.MailSection``): ``SMTP_URL``, ``MAIL_FROM`` (default ``gdpr-bridge <noreply@localhost>``),
``BRIDGE_PORTAL_URL`` (optional link for raising a new case), ``BRIDGE_ORG_NAME``
(optional, for the signature), ``BRIDGE_TEMPLATES_DIR`` (optional override folder),
``BRIDGE_DATA_DIR`` (outbox location, default ``./data``).
"""

from __future__ import annotations

import email.errors
import logging
from dataclasses import replace
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from typing import Any, TYPE_CHECKING, Mapping
from urllib.parse import urlsplit

from bridge.findings import Decision
from bridge.notify.base import Notice, NotifyError, message_id_for
from bridge.notify.places import kind_of, neutral_places
from bridge.notify.render import Renderer
from bridge.notify.transport import OutboxTransport, SmtpTransport, Transport
from bridge.platform import Ticket

AUDIENCES = ("staff", "customers")  # rules.yaml notify.audience

if TYPE_CHECKING:
    from bridge.settings import MailSection

__all__ = ["Notice", "Notifier", "NotifyError", "message_id_for", "kind_of", "neutral_places", "notice_for"]

log = logging.getLogger(__name__)

DEFAULT_FROM = "gdpr-bridge <noreply@localhost>"
_ADDRESS_SPECIALS = frozenset('<>()[],;:\\"@')


class Notifier:
    """Renders and sends requester notices; built once (it loads the templates)."""

    def __init__(self, transport: Transport, renderer: Renderer, mail_from: str = DEFAULT_FROM) -> None:
        self.transport = transport
        self.renderer = renderer
        self.mail_from = _check_from(mail_from)

    @classmethod
    def from_settings(cls, mail: "MailSection", data_dir: Path) -> "Notifier":
        """From the settings' ``mail`` section; without ``SMTP_URL`` mail goes to ``data_dir/outbox``."""
        transport: Transport
        if mail.smtp_url is not None:
            transport = SmtpTransport.from_url(mail.smtp_url.get_secret_value())
        else:
            transport = OutboxTransport(Path(data_dir).resolve() / "outbox")
        override = mail.templates_dir
        if override is not None and not override.is_dir():
            raise NotifyError(f"BRIDGE_TEMPLATES_DIR={override} is not a folder", transient=False)
        renderer = Renderer(
            override_dir=override,
            portal_url=_check_portal(mail.portal_url),
            org_name=(mail.org_name or "").strip() or None,
        )
        return cls(transport, renderer, mail.mail_from)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], data_dir: Path | None = None) -> "Notifier":
        """Read the mail variables from ``environ`` (see ``bridge.settings.MailSection``)."""
        from bridge.settings import MailSection, StateSection

        mail = MailSection.read(environ)
        return cls.from_settings(mail, data_dir if data_dir is not None else StateSection.read(environ).data_dir)

    def render(self, notice: Notice) -> EmailMessage:
        """The complete message (headers, text and HTML parts), without sending it."""
        rendered = self.renderer.render(notice)
        message = EmailMessage()
        message["Subject"] = rendered.subject
        message["From"] = self.mail_from
        message["To"] = _recipient(notice)
        message["Date"] = format_datetime(datetime.now(timezone.utc))
        message["Message-ID"] = message_id_for(notice.idempotency_key)
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"  # no out-of-office replies back to us
        message.set_content(rendered.text)
        if rendered.html is not None:
            message.add_alternative(rendered.html, subtype="html")
        message["Content-Language"] = rendered.language  # after set_content, which drops Content-* headers
        return message

    def send(self, notice: Notice) -> str:
        """Send (or write to the outbox) and return the Message-ID used."""
        message = self.render(notice)
        message_id = str(message["Message-ID"])
        delivered = self.transport.deliver(message, message_id)
        log.info("requester notified" if delivered else "notice already in outbox", extra={"message_id": message_id})
        return message_id

    def describe(self) -> str:
        return self.transport.describe()

    def ready(self) -> None:
        """Raise ``NotifyError`` if mail cannot be handed over now (server down, login refused)."""
        self.transport.check()

    def check(self) -> None:
        """Raise ``NotifyError`` (with a hint) if mail cannot go out or a template is broken."""
        for language in sorted(self.renderer.languages):
            for audience in AUDIENCES:
                sample = replace(_sample_notice(self.renderer, language), audience=audience)
                self.renderer.render(sample, language)
                for date in ("2026-12-02", None):  # a comment's redaction, the description's
                    self.renderer.render(replace(sample, redacted=True, message_date=date), language)
                for action in ("deleted", "closed"):  # the channels rule's notice
                    self.renderer.render(replace(_sample_notice(self.renderer, language), audience=audience,
                                                 kind="channel", action=action, channel="email"), language)
        self.transport.check()


def notice_for(ticket: Ticket, decision: Decision, ticket_language: str | None, idempotency_key: str | None = None) -> Notice:
    """The notice for a ticket the decision deletes. Raises if the requester has no email."""
    if not ticket.requester.email:
        raise NotifyError("the requester has no email address", transient=False)
    return Notice(
        to_email=ticket.requester.email,
        to_name=ticket.requester.name,
        locale=ticket.requester.locale,
        ticket_language=ticket_language,
        platform=ticket.platform,
        ticket_id=ticket.id,
        places=neutral_places(decision.places, [(a.filename, kind_of(a.filename, a.content_type, None)) for a in ticket.attachments]),
        idempotency_key=idempotency_key or f"{ticket.platform}:{ticket.id}:notify",
    )


def _recipient(notice: Notice) -> Address:
    address = (notice.to_email or "").strip()
    if not address:
        raise NotifyError("the requester has no email address", transient=False)
    name = " ".join((notice.to_name or "").split())  # no line breaks in a header
    invalid = NotifyError("the requester's email address is not valid", transient=False)
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or any(c in address for c in "\r\n"):
        raise invalid
    try:
        return Address(display_name=name, addr_spec=address)
    except email.errors.NonASCIILocalPartDefect:
        # RFC 6531 address (sent with SMTPUTF8); the stdlib parser refuses to build it.
        if any(c.isspace() or c in _ADDRESS_SPECIALS for c in local + domain):
            raise invalid from None
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, TypeError, IndexError, email.errors.MessageError):
        raise invalid from None


def _check_from(value: str) -> str:
    header = default_policy.header_factory("From", value)
    addresses: tuple[Any, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or not addresses[0].domain or header.defects:
        raise NotifyError(f"MAIL_FROM must be one address such as 'Support <noreply@example.com>', got {value!r}", transient=False)
    return value


def _check_portal(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotifyError(f"BRIDGE_PORTAL_URL must be an http(s) address, got {value!r}", transient=False)
    return value.strip()


def _sample_notice(renderer: Renderer, language: str) -> Notice:
    kinds = [code for code in renderer.names[language].kinds if code != "generic"] + ["UNKNOWN_KIND"]
    return Notice(
        to_email="requester@example.invalid",
        to_name=None,
        locale=language,
        ticket_language=None,
        platform="zendesk",
        ticket_id="1",
        places={"subject": kinds[:1], "body": kinds, "attachment #1 pdf (page 2)": kinds[-2:],
                "attachment #2 zip (inner #3 image)": kinds[:1]},
        idempotency_key="gdpr-bridge:template-check",
    )
