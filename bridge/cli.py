"""The ``gdpr-bridge`` command: the root group only; every command lives in bridge/commands/.

The root turns the errors a command may meet (a platform refusing, mail failing, a wrong
setting or rules file) into one line with a hint and exit status 1: no traceback and no
exception class name reaches the person at the terminal.
"""

from __future__ import annotations

import click

from bridge.commands.audit import audit
from bridge.commands.backfill import backfill
from bridge.commands.deadletters import deadletters
from bridge.commands.detection import eval_corpus, rules_group, scan
from bridge.commands.doctor import doctor
from bridge.commands.install import install
from bridge.commands.redecide import redecide
from bridge.commands.report import report
from bridge.commands.retention import retention
from bridge.commands.run import serve, web, worker
from bridge.commands.subject import subject
from bridge.commands.sweep import sweep
from bridge.errors import one_line

class Root(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # anything else: one line; the traceback only when asked for
            if _debugging():
                raise
            raise click.ClickException(one_line(exc)) from None


def _debugging() -> bool:
    """``BRIDGE_LOG_LEVEL=DEBUG``: show the traceback (for a bug report) instead of one line."""
    from bridge.commands.params import settings_or_exit

    try:
        return settings_or_exit().log.level.upper() == "DEBUG"
    except Exception:
        return False


@click.group(cls=Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gdpr-bridge", prog_name="gdpr-bridge")
def cli() -> None:
    """gdpr-bridge: a GDPR gate for Zendesk and Jira Service Management tickets."""


for command in (serve, web, worker, sweep, backfill, deadletters, audit, install, doctor, report, redecide, scan,
                rules_group, subject, retention):
    cli.add_command(command)
cli.add_command(eval_corpus, name="eval")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
