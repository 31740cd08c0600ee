"""``gdpr-bridge install PLATFORM``: register the bridge's webhook on a helpdesk.

The options every platform has are declared here; each platform's own options come from
its package (``InstallSpec``), so this command names no platform.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import click

from bridge.commands.params import PLATFORM, settings_or_exit
from bridge.envfile import EnvFileError, read_env_file, set_env_values
from bridge.platform import InstallOption, WebhookInstaller, get_platform, install_spec, platform_names


class PublicUrl(click.ParamType):  # type: ignore[type-arg]  # generic only in newer stubs
    """The bridge's public address: its base URL, or the webhook endpoint itself."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        parts = urlsplit(text)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
            self.fail(f"{text!r} is not the bridge's public address; give e.g. https://bridge.example.com", param, ctx)
        return text.rstrip("/")


def platform_options() -> dict[str, tuple[InstallOption, list[str]]]:
    """Every option a platform declares, with the platforms that declare it."""
    found: dict[str, tuple[InstallOption, list[str]]] = {}
    for name in platform_names():
        for option in install_spec(name).options:
            found.setdefault(option.name, (option, []))[1].append(name)
    return found


def _flag(option: InstallOption) -> str:
    return "--" + option.name.replace("_", "-")


class InstallCommand(click.Command):
    """``install`` with the options the platforms declare, loaded when the command is used."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = list(self.params)
        for option, platforms in platform_options().values():
            params.append(click.Option(
                [_flag(option), option.name], is_flag=option.flag, default=False if option.flag else None,
                help=f"{' and '.join(platforms)} only: {option.help}",
            ))
        help_option = self.get_help_option(ctx)
        return params + ([help_option] if help_option is not None else [])


@click.command(cls=InstallCommand)
@click.argument("platform", type=PLATFORM)
@click.option("--url", "public_url", envvar="BRIDGE_PUBLIC_URL", required=True, type=PublicUrl(),
              help="The bridge's public address or its webhook endpoint (default BRIDGE_PUBLIC_URL).")
@click.option("--remove", is_flag=True, help="Remove what install created.")
@click.option("--env-file", type=click.Path(dir_okay=False), default=None,
              help="Set the settings in this file (created 0600; existing keys are replaced) instead of "
                   "printing the secret. It is also read, to keep the secret it holds.")
@click.option("--rotate-secret", is_flag=True,
              help="Give the webhook a new signing secret (without it, a second run keeps the secret).")
def install(platform: str, public_url: str, remove: bool, env_file: str | None, rotate_secret: bool,
            **extra: Any) -> None:
    """Register (or update, never duplicate) the bridge's webhook on PLATFORM."""
    from bridge.rules import load_rules

    for other in platform_names():
        if other != platform and public_url.endswith(f"/webhooks/{other}"):
            raise click.UsageError(f"--url {public_url} is the {other} endpoint; give the bridge's address")
    declared = platform_options()
    given = {name: value for name, value in extra.items() if value not in (None, False)}
    for name in given:
        option, platforms = declared[name]
        if platform not in platforms:
            raise click.UsageError(f"{_flag(option)} applies to {' and '.join(platforms)} only")

    environ = settings_or_exit().platform_environ(platform)
    if env_file:
        try:  # what the bridge will read wins over this shell's environment
            environ.update(read_env_file(env_file))
        except EnvFileError as exc:
            raise click.UsageError(f"--env-file: {exc}") from None
    client = _platform(platform, environ)
    if not isinstance(client, WebhookInstaller):
        raise click.ClickException(f"{platform} does not support installing webhooks")
    if remove:
        removed = client.remove_webhook(public_url)
        click.echo(f"removed from {platform}: {', '.join(removed) if removed else 'nothing was installed'}")
        return
    rules = load_rules(settings_or_exit().rules_path)
    options: dict[str, str] = {}
    for name, value in given.items():
        option = declared[name][0]
        if option.needs_clear_tag and not rules.actions.clear_tag:
            raise click.UsageError(f"{_flag(option)} needs actions.clear_tag in the rules file "
                                   "(the tag the requester's e-mail will wait for)")
        options[name] = "yes" if option.flag else str(value)
    result = client.install_webhook(public_url, clear_tag=rules.actions.clear_tag, rotate_secret=rotate_secret,
                                    **options)
    click.echo(f"{'created' if result.created else 'kept (updated if needed)'} webhook {result.webhook_id} on {platform} "
               f"-> {result.endpoint or public_url}")
    for message in result.messages:
        click.echo(f"  {message}")
    if not result.env:
        return
    if env_file:
        try:
            set_env_values(env_file, result.env)
        except EnvFileError as exc:
            raise click.ClickException(f"--env-file: {exc}") from None
        click.echo(f"Wrote {', '.join(result.env)} to {env_file}; load it into the bridge's environment and "
                   "restart it (systemd: EnvironmentFile=; a shell: set -a; . FILE; set +a).")
    else:
        click.echo("Set these in the bridge's environment and restart it:")
        for key, value in result.env.items():
            click.echo(f"  {key}={value}")


def _platform(name: str, environ: dict[str, str]) -> Any:
    try:
        return get_platform(name, environ)
    except Exception as exc:
        raise click.ClickException(f"{name} is not configured: {exc}") from None
