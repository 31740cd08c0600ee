"""``gdpr-bridge doctor``: check configuration, credentials, webhooks, mail, rules, OCR, queue."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, cast

import click

from bridge.commands.params import settings_or_exit
from bridge.platform import WebhookInstaller, get_platform, get_webhook_receiver, install_spec, platform_names


@dataclass
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str
    hint: str = ""
    warn: bool = False  # works, but not as an admin would want (shown as WARN; does not fail)


class _Explained(Exception):
    """A failed probe whose message says it all."""


def _run(name: str, probe: Callable[[], str], hint: str) -> Check:
    try:
        return Check(name, True, probe())
    except _Explained as exc:
        return Check(name, False, str(exc)[:300], hint)
    except Exception as exc:  # the message only: an exception's class name means nothing to an admin
        return Check(name, False, (str(exc).strip() or "failed without saying why")[:300], hint)


def doctor_checks() -> list[Check]:
    checks: list[Check] = []
    try:
        settings = settings_or_exit()
        checks.append(Check("configuration", True,
                            f"data folder {settings.data_dir.resolve()}, queue {settings.queue_name}"))
    except click.ClickException as exc:
        return [Check("configuration", False, exc.message, "fix the environment variable named above")]

    def rules_probe() -> str:
        from bridge.rules import RulesError, default_rules_path, load_rules

        try:
            rules = load_rules(settings.rules_path)
        except RulesError as exc:  # its message names the file and the fault: no class name
            raise _Explained(str(exc)) from None
        source = Path(rules.source).resolve()
        which = " (the packaged default: no BRIDGE_RULES, no ./rules.yaml)" if source == default_rules_path().resolve() else ""
        return f"rules {source}{which} valid (version {rules.version_hash}), mode {settings.mode(rules.mode)}"

    checks.append(_run("rules", rules_probe, "run `gdpr-bridge rules check` for the line at fault"))

    def data_dir_probe() -> str:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir):
            pass
        return f"{settings.data_dir} is writable"

    checks.append(_run("data dir", data_dir_probe, "set BRIDGE_DATA_DIR to a writable folder"))

    def queue_probe() -> str:
        from bridge.queue import describe, make_huey

        depth = make_huey(settings.queue_url, settings.queue_name).pending_count()
        return f"{describe(settings.queue_url)} reachable, {depth} job(s) waiting"

    checks.append(_run("queue", queue_probe, "check BRIDGE_QUEUE_URL and that the Redis server runs"))

    def state_probe() -> str:
        from bridge.db import describe as describe_db
        from bridge.db import open_database
        from bridge.migrate import head_revision

        db = open_database(settings.state_url)
        return f"{describe_db(settings.state_url)} reachable, schema {head_revision()} ({db.dialect})"

    checks.append(_run("state database", state_probe,
                       "check BRIDGE_DATABASE_URL (postgresql://user:pass@host/db) and that the server runs"))

    def mail_probe() -> str:
        from bridge.notify import Notifier

        notifier = Notifier.from_settings(settings.mail, data_dir=settings.data_dir)
        notifier.check()
        return notifier.describe()

    mail = _run("mail", mail_probe, "check SMTP_URL (smtp://user:pass@host:port) or unset it to use the outbox")
    checks.append(mail)
    if mail.ok and settings.mail.smtp_url is None and _mode(settings) == "enforce":
        mail.warn = True
        mail.detail += " — enforce mode without SMTP_URL: requesters get no email, the notices stay in that folder"
        mail.hint = "set SMTP_URL (smtp://user:pass@host:587?starttls=1) so that requesters are told"

    portal = _channels_without_portal(settings)
    if portal is not None:
        checks.append(Check("channels", True, portal, "set channels.portal_url in the rules or BRIDGE_PORTAL_URL",
                            warn=True))

    if settings.public_url:
        checks.append(_run("public URL", lambda: _healthz_probe(settings.public_url or ""),
                           "BRIDGE_PUBLIC_URL must be where the helpdesk reaches this bridge (its proxy forwards"
                           " /healthz and /webhooks/ to the web process)"))
    else:
        checks.append(Check("public URL", None, "BRIDGE_PUBLIC_URL not set: cannot check that the helpdesk reaches the bridge"))

    def tesseract_probe() -> str:
        import pytesseract

        version = pytesseract.get_tesseract_version()
        languages = set(pytesseract.get_languages(config=""))
        missing = {"eng", "swe", "deu"} - languages
        if missing:
            raise _Explained(f"tesseract {version} lacks languages: {', '.join(sorted(missing))}")
        return f"tesseract {version} with eng, swe, deu"

    checks.append(_run("tesseract", tesseract_probe,
                       "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-swe tesseract-ocr-deu"))

    configured = 0
    for name in platform_names():
        try:
            client = get_platform(name, settings.platform_environ(name))
        except Exception as exc:
            checks.append(Check(f"{name} credentials", None, f"not configured ({exc})"))
            continue
        configured += 1
        upper = name.upper()
        check_credentials = cast(WebhookInstaller, client).check_credentials  # every platform package installs
        checks.append(_run(f"{name} credentials", check_credentials,
                           f"check {upper}_* credentials; the token needs admin rights for install and sweep"))
        def secret_probe(n: str = name) -> str:
            return _receiver_probe(n, settings.platform_environ(n))

        checks.append(_run(f"{name} webhook secret", secret_probe,
                           f"run `gdpr-bridge install {name} --url PUBLIC_URL` and set the secret it prints"))
        insecure = _receiver_insecure(name, settings.platform_environ(name))
        if insecure:
            checks.append(Check(f"{name} webhook signing", False, insecure,
                                "a published test secret is for a test from the admin UI only: unset the variable"))
        if settings.public_url and isinstance(client, WebhookInstaller):
            def webhook_probe(c: Any = client, n: str = name) -> str:
                found = c.webhook_status(settings.public_url)
                if not found:
                    raise _Explained(f"no active webhook on {n} points at {settings.public_url}")
                return f"webhook {found} points at this bridge"

            checks.append(_run(f"{name} webhook", webhook_probe, f"run `gdpr-bridge install {name}`"))
        else:
            checks.append(Check(f"{name} webhook", None, "BRIDGE_PUBLIC_URL not set: cannot check where it points"))
    if configured == 0:
        settings_of = ["/".join(install_spec(name).settings) or f"the {name} settings" for name in platform_names()]
        checks.append(Check("platforms", False, "no platform configured", "set " + " or ".join(settings_of)))
    return checks


def _channels_without_portal(settings: Any) -> str | None:
    """A WARN when the channels rule rejects a channel but its notice has no portal to point to."""
    from bridge.rules import RulesError, load_rules

    try:
        channels = load_rules(settings.rules_path).channels
    except RulesError:
        return None
    if not channels.reject or channels.portal_url or settings.mail.portal_url:
        return None
    return (f"tickets by {', '.join(channels.reject)} are refused, but the notice names no portal address"
            " (it only says \"our support portal\")")


def _mode(settings: Any) -> str | None:
    from bridge.rules import RulesError, load_rules

    try:
        return str(settings.mode(load_rules(settings.rules_path).mode))
    except RulesError:  # the rules check says what is wrong
        override: str | None = settings.mode_override
        return override


def _healthz_probe(public_url: str) -> str:
    import httpx

    url = public_url.rstrip("/") + "/healthz"
    try:
        response = httpx.get(url, timeout=10, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise _Explained(f"{url} does not answer ({exc or 'no connection'})") from None
    if response.status_code != 200:
        raise _Explained(f"{url} answers HTTP {response.status_code}, not 200")
    return f"{url} answers 200"


def _receiver_insecure(name: str, environ: dict[str, str]) -> str | None:
    """Why the receiver would accept forged deliveries (a published test secret), or None."""
    try:
        return getattr(get_webhook_receiver(name, environ), "insecure", None)
    except Exception:  # not configured: the secret check says so
        return None


def _receiver_probe(name: str, environ: dict[str, str]) -> str:
    get_webhook_receiver(name, environ)
    return "webhook secret configured"


@click.command()
def doctor() -> None:
    """Check configuration, credentials, webhook, mail, rules, Tesseract, queue and data dir."""
    checks = doctor_checks()
    failed = False
    for check in checks:
        mark = "WARN" if check.warn else {True: "PASS", False: "FAIL", None: "SKIP"}[check.ok]
        click.echo(f"{mark}  {check.name}: {check.detail}")
        if check.ok is False or check.warn:
            failed = failed or check.ok is False
            if check.hint:
                click.echo(f"      hint: {check.hint}")
    if failed:
        raise SystemExit(1)


