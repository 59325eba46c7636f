"""docs/payouts.md names every `monell payouts` command and option this module defines."""

from __future__ import annotations

import click

from monell.cli.payouts import payouts

from .realdata import REPO

OWN_COMMANDS = ("import", "summary", "evaluate-categories")


def test_every_command_and_option_is_documented() -> None:
    text = (REPO / "docs" / "payouts.md").read_text(encoding="utf-8")
    for name in OWN_COMMANDS:
        command = payouts.commands[name]
        assert f"`{name}" in text, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (name, param.name)
                assert any(opt in text for opt in param.opts), (name, param.opts)
