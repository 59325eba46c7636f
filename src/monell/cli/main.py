"""The `monell` command: one group, one module per area of subcommands.

Exit codes scripts can rely on: 0 success, 1 the command ran but found a problem it reports
(e.g. a citation that does not verify), 2 bad input (file, option, value or database), named
in the message with the fix, 3 an unexpected internal error (a bug; logged without personal
data), 130 interrupted. See cli/errors.py and docs/errors.md.
"""

from __future__ import annotations

import importlib

import click

from monell.cli.errors import HandledGroup

# Each module defines `register(group)`; add a line when a new area of commands lands.
COMMAND_MODULES = (
    "monell.cli.assess",
    "monell.cli.payouts",
    "monell.cli.exposure",
    "monell.cli.precedents",
    "monell.cli.corpus",
    "monell.cli.cite",
    "monell.cli.web",
    "monell.cli.simulate",
)


@click.group(cls=HandledGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="monell")
def cli() -> None:
    """Monell: sourced § 1983 assessments of police-misconduct incidents.

    Not legal advice: every answer carries its source so that a lawyer can check it.

    \b
    Exit codes: 0 success; 1 findings (e.g. a citation that does not verify);
    2 bad input (the message names the file, field or option and the fix);
    3 unexpected internal error (a bug: please report it); 130 interrupted.
    """


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(cli)


def main() -> None:
    cli(prog_name="monell")
