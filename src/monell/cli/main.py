"""The `monell` command: one group, one module per area of subcommands.

Exit codes scripts can rely on: 0 success, 1 the command ran but found a problem it reports
(e.g. a citation that does not verify), 2 bad input (file, option or value), named in the
message with the fix.
"""

from __future__ import annotations

import importlib

import click

# Each module defines `register(group)`; add a line when a new area of commands lands.
COMMAND_MODULES = (
    "monell.cli.assess",
    "monell.cli.payouts",
    "monell.cli.exposure",
    "monell.cli.precedents",
    "monell.cli.corpus",
    "monell.cli.cite",
    "monell.cli.web",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="monell")
def cli() -> None:
    """Monell: sourced § 1983 assessments of police-misconduct incidents.

    Not legal advice: every answer carries its source so that a lawyer can check it.
    """


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(cli)


def main() -> None:
    cli(prog_name="monell")
