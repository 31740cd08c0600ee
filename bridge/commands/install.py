"""``gdpr-bridge install PLATFORM``: register the bridge's webhook on a helpdesk."""

from __future__ import annotations

import os
from typing import Any

import click

from bridge.commands.params import PLATFORM, settings_or_exit
from bridge.platform import WebhookInstaller, get_platform


@click.command()
@click.argument("platform", type=PLATFORM)
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
    rules = load_rules(settings_or_exit().rules_path)
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
        return get_platform(name, settings_or_exit().platform_environ(name))
    except Exception as exc:
        raise click.ClickException(f"{name} is not configured: {exc}") from None


