"""The ``gdpr-bridge`` command: the root group only; every command lives in bridge/commands/."""

from __future__ import annotations

import click

from bridge.commands.audit import audit
from bridge.commands.deadletters import deadletters
from bridge.commands.detection import eval_corpus, rules_group, scan
from bridge.commands.doctor import doctor
from bridge.commands.install import install
from bridge.commands.redecide import redecide
from bridge.commands.report import report
from bridge.commands.run import serve, web, worker
from bridge.commands.subject import subject
from bridge.commands.sweep import sweep


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gdpr-bridge", prog_name="gdpr-bridge")
def cli() -> None:
    """gdpr-bridge: a GDPR gate for Zendesk and Jira Service Management tickets."""


for command in (serve, web, worker, sweep, deadletters, audit, install, doctor, report, redecide, scan, rules_group,
                subject):
    cli.add_command(command)
cli.add_command(eval_corpus, name="eval")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
