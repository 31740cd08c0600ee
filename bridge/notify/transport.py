"""Where a rendered email goes: an SMTP server (``SMTP_URL``) or a local outbox folder.

Both translate their failures into ``NotifyError`` at this edge, with messages that
name the server or folder and never the recipient or the content. SMTP replies are
not copied into messages either: a server may echo the recipient address in them.

``SMTP_URL``::

    smtp://host[:port]                 plain SMTP, port 25
    smtp://host:587?starttls=1         STARTTLS (certificate verified)
    smtps://host[:port]                implicit TLS, port 465
    smtp://user:pass@host:port         AUTH LOGIN/PLAIN after (optional) TLS; %-escape
                                       special characters in user and password
    ...?timeout=10&helo=bridge.example.com   socket timeout (s) and EHLO name
"""

from __future__ import annotations

import contextlib
import email.policy
import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from bridge.notify.base import NotifyError

CONNECT_TIMEOUT = 10.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Transport(Protocol):
    def deliver(self, message: EmailMessage, message_id: str) -> bool:
        """Hand the message over; False when it was already handed over (outbox)."""
        ...

    def describe(self) -> str:
        ...

    def check(self) -> None:
        ...


class SmtpTransport:
    """Sends through an SMTP server with smtplib, one connection per message."""

    def __init__(
        self,
        host: str,
        port: int,
        implicit_tls: bool = False,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = CONNECT_TIMEOUT,
        helo: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.implicit_tls = implicit_tls
        self.starttls = starttls
        self.username = username
        self._password = password
        self.timeout = timeout
        self.helo = helo

    @classmethod
    def from_url(cls, url: str) -> "SmtpTransport":
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise NotifyError(f"SMTP_URL must start with smtp:// or smtps://, got {scheme or 'no scheme'!r}", transient=False)
        if not parts.hostname:
            raise NotifyError("SMTP_URL has no host, e.g. smtp://mail.example.com:587?starttls=1", transient=False)
        try:
            port = parts.port
        except ValueError:
            raise NotifyError("SMTP_URL has an invalid port", transient=False) from None
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = set(query) - {"starttls", "timeout", "helo"}
        if unknown:
            raise NotifyError(f"SMTP_URL: unknown option(s) {', '.join(sorted(unknown))}; known: starttls, timeout, helo", transient=False)
        starttls = _flag(query.get("starttls", ""), "starttls")
        if scheme == "smtps" and starttls:
            raise NotifyError("SMTP_URL: smtps:// already uses TLS; drop ?starttls=1 (or use smtp://…?starttls=1)", transient=False)
        try:
            timeout = float(query.get("timeout") or CONNECT_TIMEOUT)
        except ValueError:
            raise NotifyError("SMTP_URL: timeout must be a number of seconds", transient=False) from None
        return cls(
            host=parts.hostname,
            port=port or (465 if scheme == "smtps" else 25),
            implicit_tls=scheme == "smtps",
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
            helo=query.get("helo") or None,
        )

    def describe(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"SMTP {scheme}://{host}:{self.port}{'?starttls=1' if self.starttls else ''}"

    def check(self) -> None:
        """Connect, greet, TLS and log in as configured, then quit."""
        try:
            with self._connect() as client:
                client.noop()
        except Exception as exc:  # translated; nothing of the exception is kept
            raise self._error(exc, "check") from None

    def deliver(self, message: EmailMessage, message_id: str) -> bool:
        try:
            with self._connect() as client:
                client.send_message(message)
        except NotifyError:
            raise
        except Exception as exc:
            raise self._error(exc, "send") from None
        return True

    def _connect(self) -> smtplib.SMTP:
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(
                self.host, self.port, local_hostname=self.helo, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, local_hostname=self.helo, timeout=self.timeout)
        try:
            client.ehlo_or_helo_if_needed()
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if self.username:
                client.login(self.username, self._password or "")
        except BaseException:
            client.close()
            raise
        return client

    def _error(self, exc: BaseException, action: str) -> NotifyError:
        where = self.describe()
        # smtplib's exceptions derive from OSError: test them first.
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return NotifyError(f"{where}: login refused ({exc.smtp_code}); check user and password in SMTP_URL", transient=False)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return NotifyError(f"{where}: {exc}; check the TLS option and credentials in SMTP_URL", transient=False)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = sorted({code for code, _ in exc.recipients.values()})
            return NotifyError(f"{where}: recipient refused ({', '.join(map(str, codes))})", transient=all(400 <= c < 500 for c in codes))
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return NotifyError(f"{where}: sender refused ({exc.smtp_code}); check MAIL_FROM", transient=400 <= exc.smtp_code < 500)
        if isinstance(exc, smtplib.SMTPResponseException):
            return NotifyError(f"{where}: server answered {exc.smtp_code} during {action}", transient=not 500 <= exc.smtp_code < 600)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return NotifyError(f"{where}: server closed the connection during {action}")
        if isinstance(exc, smtplib.SMTPException):
            return NotifyError(f"{where}: SMTP error during {action} ({type(exc).__name__})")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return NotifyError(f"{where}: TLS certificate not trusted ({exc.verify_message}); check the host name in SMTP_URL", transient=False)
        if isinstance(exc, ssl.SSLError):
            return NotifyError(f"{where}: TLS failed ({exc.reason}); smtps:// wants implicit TLS (465), ?starttls=1 wants STARTTLS (587)")
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc) or type(exc).__name__
            return NotifyError(f"cannot reach {where}: {reason}; check host and port in SMTP_URL and that the server accepts this host")
        return NotifyError(f"{where}: {action} failed ({type(exc).__name__})")


class OutboxTransport:
    """Writes each message as ``<outbox>/<message-id>.eml``, once per Message-ID.

    The file appears complete or not at all (written to a hidden temporary file, then
    linked into place without overwriting), so a folder watcher never sees half a file
    and a retried send finds the first one.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def describe(self) -> str:
        return f"outbox {self.directory}"

    def path_for(self, message_id: str) -> Path:
        return self.directory / f"{safe_filename(message_id)}.eml"

    def check(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.directory, prefix=".probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise self._error(exc) from None

    def deliver(self, message: EmailMessage, message_id: str) -> bool:
        target = self.path_for(message_id)
        try:
            if target.exists():
                return False
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".eml")  # mode 0600
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_as_bytes(message))
                    fh.flush()
                    os.fsync(fh.fileno())
                return _link_new(Path(tmp), target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> NotifyError:
        reason = exc.strerror or type(exc).__name__
        return NotifyError(
            f"cannot write to outbox {self.directory}: {reason}; set BRIDGE_DATA_DIR to a writable folder or set SMTP_URL"
        )


def _link_new(tmp: Path, target: Path) -> bool:
    """Put ``tmp`` at ``target`` unless ``target`` exists; False if it did."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # file systems without hard links
        if target.exists():
            return False
        os.replace(tmp, target)
        return True


def _as_bytes(message: EmailMessage) -> bytes:
    """RFC 5322 bytes; raw UTF-8 headers (RFC 6532) only when an address needs them."""
    addresses = [a for key in ("From", "To") for a in getattr(message[key], "addresses", ())]
    needs_utf8 = any(not a.addr_spec.isascii() for a in addresses)
    return message.as_bytes(policy=email.policy.default.clone(utf8=True) if needs_utf8 else email.policy.default)


def safe_filename(message_id: str) -> str:
    """``<abc@gdpr-bridge>`` -> ``abc@gdpr-bridge``: a name that is safe on every file system."""
    return re.sub(r"[^A-Za-z0-9._@-]", "_", message_id.strip().strip("<>")) or "message"


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise NotifyError(f"SMTP_URL: {name} must be 1 or 0, got {value!r}", transient=False)
