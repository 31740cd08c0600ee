"""``gdpr-bridge subject find|export|erase|check --email E``: data-subject requests across
every configured platform (access, portability, erasure, and "did you erase me?").

The address is read from the command line and goes only to the platforms' search: it is
never logged, never written to the audit (a keyed hash stands for it) and never echoed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from bridge.commands.params import OUTPUT_FILE, settings_or_exit, start_logging

HASH_HINT = ("set BRIDGE_SUBJECT_HASH_KEY to a long random secret (e.g. `openssl rand -hex 32`) and keep it: "
             "the audit proves erasures under a keyed hash of the address, never the address")


class AddressType(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """An e-mail address (checked for its form only; never echoed back)."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from bridge.subject.keyed import is_address, normalise

        if not is_address(str(value)):
            self.fail("not an e-mail address like name@example.com", param, ctx)
        return normalise(str(value))


EMAIL = click.option("--email", "email", type=AddressType(), required=True,
                     help="The person's e-mail address (as the helpdesks know it).")


@click.group()
def subject() -> None:
    """Data-subject requests by e-mail address, on every configured platform."""


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _platforms() -> dict[str, Any]:
    from bridge.subject.search import subject_platforms

    platforms, problems = subject_platforms(settings_or_exit())
    for line in problems:
        click.echo(f"warning: {line}", err=True)
    if not platforms:
        _fail("no platform is configured: set ZENDESK_* or JIRA_* (see README's configuration table)")
    return platforms


def _find(platforms: dict[str, Any], email: str) -> list[Any]:
    from bridge.subject.search import find_on

    found = []
    for name, platform in platforms.items():
        click.echo(f"searching {name} …", err=True)
        found.append(find_on(name, platform, email))
    return found


def _hash_key() -> str:
    key = settings_or_exit().subject.hash_key
    if key is None:
        _fail(f"BRIDGE_SUBJECT_HASH_KEY is not set: {HASH_HINT}")
    return key.get_secret_value()


def _progress(total: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" tickets", file=sys.stderr, disable=None)


def _errors(findings: list[Any]) -> list[str]:
    return [f"{f.platform}: {f.error}" for f in findings if f.error]


def _print_tickets(title: str, tickets: list[Any]) -> None:
    from bridge.subject.archive import iso

    click.echo(title)
    click.echo(f"  {'platform':<10} {'id':<14} {'created':<21} {'updated':<21} status")
    for t in tickets:
        click.echo(f"  {t.platform:<10} {t.id:<14} {iso(t.created_at) or '-':<21} {iso(t.updated_at) or '-':<21} "
                   f"{t.status or '-'}")


def _report(findings: list[Any]) -> None:
    requested = [t for f in findings for t in f.requested]
    copied = [t for f in findings for t in f.copied]
    for f in findings:
        if f.error is None:
            roles = ", ".join(sorted({p.role for p in f.people})) or "none"
            click.echo(f"{f.platform}: {len(f.people)} user record(s) ({roles}), {len(f.requested)} ticket(s) "
                       f"as requester, {len(f.copied)} copied or following only")
    if requested:
        _print_tickets("Tickets where the address is the requester:", requested)
    if copied:
        _print_tickets("Tickets where the address is only copied or follows (someone else's; not exported or "
                       "erased):", copied)
    if not requested and not copied:
        click.echo("No tickets found for this address on " + ", ".join(f.platform for f in findings) + ".")


@subject.command()
@EMAIL
def find(email: str) -> None:
    """List the tickets where the address is the requester, and apart those where it is only
    copied or follows, with platform, id, created, updated and status. Exit 0 also when none."""
    start_logging()
    findings = _find(_platforms(), email)
    _report(findings)
    errors = _errors(findings)
    if errors:
        _fail("could not search every platform (the list above is incomplete): " + "; ".join(errors))


@subject.command()
@EMAIL
@click.option("--out", "out", type=OUTPUT_FILE, required=True,
              help="The zip file to write (JSON per ticket, attachments, manifest.json, index.html).")
def export(email: str, out: Path) -> None:
    """Export the person's tickets (right of access and portability) into a zip: one JSON file
    per ticket with every comment and attachment, a manifest and an index.html to read."""
    from bridge.platform import PlatformError
    from bridge.subject.archive import write_export

    start_logging()
    if not out.parent.is_dir():
        _fail(f"the folder of --out does not exist: create it first ({out.parent})")
    platforms = _platforms()
    findings = _find(platforms, email)
    errors = _errors(findings)
    if errors:
        _fail("could not search every platform, nothing written: " + "; ".join(errors))
    total = sum(len(f.requested) for f in findings)
    try:
        with _progress(total, "export") as bar:
            summary = write_export(findings, platforms, out, bar.update)
    except PlatformError as exc:
        _fail(f"export stopped, nothing written: {exc} (run it again later)")
    click.echo(f"wrote {out}: {summary.tickets} ticket(s), {summary.attachments} attachment(s) "
               f"({summary.attachment_bytes} bytes)" + (f", {summary.left_out} attachment(s) left out (see manifest)"
                                                          if summary.left_out else "")
               + (f", {summary.gone} ticket(s) gone meanwhile" if summary.gone else ""))


@subject.command()
@EMAIL
@click.option("--dry-run", is_flag=True, help="Show what would be deleted; delete nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
def erase(email: str, dry_run: bool, yes: bool) -> None:
    """Erase the person (right to erasure): their tickets deleted for good (Zendesk: deleted and
    permanently deleted, job confirmed; Jira: deleted with subtasks), then their user records.
    Refuses agent and admin accounts. The audit keeps a keyed hash of the address, never the address."""
    from bridge.audit import AuditLog
    from bridge.db import open_database
    from bridge.subject.erasure import erase as run_erasure
    from bridge.subject.keyed import address_hash

    start_logging()
    key = _hash_key()
    platforms = _platforms()
    findings = _find(platforms, email)
    errors = _errors(findings)
    if errors:
        _fail("could not search every platform, nothing deleted: " + "; ".join(errors))
    staff = [f"{p.platform} ({p.role})" for f in findings for p in f.staff]
    if staff:
        _fail("refused: the address belongs to a staff account (agent, admin, or on Jira a licensed Atlassian "
              "account) on " + ", ".join(staff) + "; this command does not erase staff, nothing deleted")
    _report(findings)
    tickets = sum(len(f.requested) for f in findings)
    records = sum(len(f.people) for f in findings)
    if not tickets and not records:
        click.echo("Nothing to erase.")
        return
    click.echo(f"Would delete for good: {tickets} ticket(s) and {records} user record(s).")
    if dry_run:
        click.echo("Dry run: nothing deleted.")
        return
    if not yes and not click.confirm("Delete them for good? This cannot be undone", default=False):
        _fail("nothing deleted")
    audit = AuditLog(open_database(settings_or_exit().state_url))
    with _progress(tickets, "erase") as bar:
        outcomes = run_erasure(findings, platforms, audit, address_hash(key, email), bar.update)
    for o in outcomes:
        click.echo(f"{o.platform}: {o.erased} ticket(s) deleted for good, {o.already_gone} already gone, "
                   f"{len(o.failed)} failed")
        for line in o.failed:
            click.echo(f"  failed: {line}")
        for line in o.records:
            click.echo(f"  user record: {line}")
        for line in o.not_removed:
            click.echo(f"  NOT removed: {line}")
    if not all(o.complete for o in outcomes):
        _fail("erasure incomplete: run the same command again to finish it")
    click.echo("Erasure recorded in the audit under a keyed hash of the address.")


@subject.command()
@EMAIL
def check(email: str) -> None:
    """Answer "did you erase me?": hash the address again and look the erasure up in the audit.
    Exit 0 when an erasure is recorded, 1 when none is."""
    from bridge.audit import AuditLog, iso_utc
    from bridge.db import open_database
    from bridge.subject.erasure import erasures_of
    from bridge.subject.keyed import address_hash

    key = _hash_key()
    audit = AuditLog(open_database(settings_or_exit().state_url))
    found = erasures_of(audit, address_hash(key, email))
    if not found:
        click.echo("No erasure is recorded for this address (with this BRIDGE_SUBJECT_HASH_KEY).")
        sys.exit(1)
    for at, detail in found:
        parts = []
        for platform, counts in sorted(detail.items()):
            if isinstance(counts, dict):
                parts.append(f"{platform}: {counts.get('tickets_erased', 0)} ticket(s) deleted, "
                             f"{counts.get('tickets_failed', 0)} failed, {counts.get('user_records_deleted', 0)} of "
                             f"{counts.get('user_records', 0)} user record(s) deleted"
                             + "".join(f" (not removed: {s})" for s in counts.get("not_removed") or []))
        click.echo(f"Erased on {iso_utc(at)}: " + ("; ".join(parts) or "nothing was held"))
