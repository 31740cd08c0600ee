"""Commands for the people who run the bridge: install, doctor, report."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import click

from bridge.config import ConfigError, load_settings
from bridge.platform import WebhookInstaller, get_platform, get_webhook_receiver, platform_names

WOULD_DO = {"violation": "email the requester and delete the ticket", "review": "tag it for human review",
            "clean": "leave it alone"}


@click.command()
@click.argument("platform", type=click.Choice(platform_names()))
@click.option("--url", "public_url", envvar="BRIDGE_PUBLIC_URL", required=True,
              help="The bridge's public address (default BRIDGE_PUBLIC_URL).")
@click.option("--remove", is_flag=True, help="Remove what install created.")
@click.option("--jql", default=None, help="Jira only: JQL filter for the issues the webhook fires on.")
@click.option("--env-file", type=click.Path(dir_okay=False), default=None,
              help="Append the settings to set to this file instead of printing the secret.")
@click.option("--gate-notifications", is_flag=True,
              help="Zendesk only: change the trigger that e-mails the requester on creation so it waits for "
                   "the rules' actions.clear_tag (without it, install only explains the change).")
def install(platform: str, public_url: str, remove: bool, jql: str | None, env_file: str | None,
            gate_notifications: bool) -> None:
    """Register (or update, never duplicate) the bridge's webhook on PLATFORM."""
    from bridge.rules import load_rules

    if jql and platform != "jira":
        raise click.UsageError("--jql applies to jira only")
    if gate_notifications and platform != "zendesk":
        raise click.UsageError("--gate-notifications applies to zendesk only")

    client = _platform(platform)
    if not isinstance(client, WebhookInstaller):
        raise click.ClickException(f"{platform} does not support installing webhooks")
    if remove:
        removed = client.remove_webhook(public_url)
        click.echo(f"removed from {platform}: {', '.join(removed) if removed else 'nothing was installed'}")
        return
    rules = load_rules(load_settings().rules_path)
    if gate_notifications and not rules.actions.clear_tag:
        raise click.UsageError("--gate-notifications needs actions.clear_tag in the rules file "
                               "(the tag the requester's e-mail will wait for)")
    options = {"jql": jql} if jql else {}
    if gate_notifications:
        options["gate_notifications"] = "yes"
    result = client.install_webhook(public_url, clear_tag=rules.actions.clear_tag, **options)
    click.echo(f"{'created' if result.created else 'kept (updated if needed)'} webhook {result.webhook_id} on {platform} "
               f"-> {public_url.rstrip('/')}/webhooks/{platform}")
    for message in result.messages:
        click.echo(f"  {message}")
    if not result.env:
        return
    if env_file:
        with open(env_file, "a", encoding="utf-8") as handle:
            handle.writelines(f"{k}={v}\n" for k, v in result.env.items())
        os.chmod(env_file, 0o600)
        click.echo(f"Wrote {', '.join(result.env)} to {env_file}; load it into the bridge's environment and restart it.")
    else:
        click.echo("Set these in the bridge's environment and restart it:")
        for key, value in result.env.items():
            click.echo(f"  {key}={value}")


def _platform(name: str) -> Any:
    try:
        return get_platform(name)
    except Exception as exc:
        raise click.ClickException(f"{name} is not configured: {exc}") from None


@dataclass
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str
    hint: str = ""


def _run(name: str, probe: Callable[[], str], hint: str) -> Check:
    try:
        return Check(name, True, probe())
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}"[:300], hint)


def doctor_checks() -> list[Check]:
    checks: list[Check] = []
    try:
        settings = load_settings()
        checks.append(Check("configuration", True, f"data dir {settings.data_dir}, queue {settings.queue_name}"))
    except ConfigError as exc:
        return [Check("configuration", False, str(exc), "fix the environment variable named above")]

    def rules_probe() -> str:
        from bridge.rules import load_rules

        rules = load_rules(settings.rules_path)
        return f"rules {settings.rules_path or 'default'} valid (version {rules.version_hash}), mode {settings.mode(rules.mode)}"

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
        from bridge.db import state_database
        from bridge.migrate import head_revision

        db = state_database(settings)
        return f"{describe_db(settings.state_url)} reachable, schema {head_revision()} ({db.dialect})"

    checks.append(_run("state database", state_probe,
                       "check BRIDGE_DATABASE_URL (postgresql://user:pass@host/db) and that the server runs"))

    def mail_probe() -> str:
        from bridge.notify import Notifier

        notifier = Notifier.from_env(data_dir=settings.data_dir)
        notifier.check()
        return notifier.describe()

    checks.append(_run("mail", mail_probe, "check SMTP_URL (smtp://user:pass@host:port) or unset it to use the outbox"))

    def tesseract_probe() -> str:
        import pytesseract

        version = pytesseract.get_tesseract_version()
        languages = set(pytesseract.get_languages(config=""))
        missing = {"eng", "swe", "deu"} - languages
        if missing:
            raise RuntimeError(f"tesseract {version} lacks languages: {', '.join(sorted(missing))}")
        return f"tesseract {version} with eng, swe, deu"

    checks.append(_run("tesseract", tesseract_probe,
                       "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-swe tesseract-ocr-deu"))

    configured = 0
    for name in platform_names():
        try:
            client = get_platform(name)
        except Exception as exc:
            checks.append(Check(f"{name} credentials", None, f"not configured ({exc})"))
            continue
        configured += 1
        upper = name.upper()
        checks.append(_run(f"{name} credentials", client.check_credentials,
                           f"check {upper}_* credentials; the token needs admin rights for install and sweep"))
        checks.append(_run(f"{name} webhook secret", lambda n=name: _receiver_probe(n),
                           f"run `gdpr-bridge install {name} --url PUBLIC_URL` and set the secret it prints"))
        if settings.public_url and isinstance(client, WebhookInstaller):
            def webhook_probe(c: Any = client, n: str = name) -> str:
                found = c.webhook_status(settings.public_url)
                if not found:
                    raise RuntimeError(f"no active webhook on {n} points at {settings.public_url}")
                return f"webhook {found} points at this bridge"

            checks.append(_run(f"{name} webhook", webhook_probe, f"run `gdpr-bridge install {name}`"))
        else:
            checks.append(Check(f"{name} webhook", None, "BRIDGE_PUBLIC_URL not set: cannot check where it points"))
    if configured == 0:
        checks.append(Check("platforms", False, "no platform configured",
                            "set ZENDESK_SUBDOMAIN/ZENDESK_EMAIL/ZENDESK_API_TOKEN or JIRA_URL/JIRA_EMAIL/JIRA_API_TOKEN"))
    return checks


def _receiver_probe(name: str) -> str:
    get_webhook_receiver(name)
    return "webhook secret configured"


@click.command()
def doctor() -> None:
    """Check configuration, credentials, webhook, mail, rules, Tesseract, queue and data dir."""
    checks = doctor_checks()
    failed = False
    for check in checks:
        mark = {True: "PASS", False: "FAIL", None: "SKIP"}[check.ok]
        click.echo(f"{mark}  {check.name}: {check.detail}")
        if check.ok is False:
            failed = True
            if check.hint:
                click.echo(f"      hint: {check.hint}")
    if failed:
        raise SystemExit(1)


def build_report(records: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(r["verdict"] for r in records)
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    review_reasons: Counter[str] = Counter()
    for r in records:
        kinds.update(r["kinds"])
        (review_reasons if r["verdict"] == "review" else reasons).update(r["reasons"])
    return {
        "tickets": len(records),
        "by_verdict": dict(verdicts),
        "would_do": {v: {"tickets": n, "action": WOULD_DO.get(v, v)} for v, n in verdicts.items()},
        "kinds": dict(kinds.most_common()),
        "rules_fired": dict(reasons.most_common()),
        "review_reasons": dict(review_reasons.most_common()),
    }


@click.command()
@click.option("--since", default="7d", show_default=True, help="e.g. 24h, 7d, 4w")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
def report(since: str, fmt: str) -> None:
    """What enforce mode would have done (or did) with the tickets decided in the window."""
    from bridge.audit import AuditLog
    from bridge.cli import parse_duration
    from bridge.db import state_database

    settings = load_settings()
    start = time.time() - parse_duration(since).total_seconds()
    records = list(AuditLog(state_database(settings)).records(since=start))
    data = build_report(records)
    data["since"] = since
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "name", "count"])
        for section in ("by_verdict", "kinds", "rules_fired", "review_reasons"):
            for name, count in data[section].items():
                writer.writerow([section, name, count])
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(f"{data['tickets']} ticket(s) decided in the last {since}")
    for verdict in ("violation", "review", "clean"):
        n = data["by_verdict"].get(verdict, 0)
        click.echo(f"  {verdict:<10} {n:>6}  enforce mode would {WOULD_DO[verdict]}")
    for title, section in (("Kinds found", "kinds"), ("Rules that fired", "rules_fired"),
                           ("Review reasons", "review_reasons")):
        if data[section]:
            click.echo(f"{title}:")
            for name, count in data[section].items():
                click.echo(f"  {count:>6}  {name}")
