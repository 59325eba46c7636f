"""docs/corpus.md names every `monell corpus` / `monell cite` command and option."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from monell.cli.main import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "corpus.md"


@pytest.mark.parametrize(
    ("group", "name"),
    [
        ("corpus", "load"),
        ("corpus", "link"),
        ("corpus", "status"),
        ("corpus", "fetch"),
        ("cite", "verify"),
    ],
)
def test_every_command_and_option_is_documented(group, name):
    text = DOC.read_text(encoding="utf-8")
    command = cli.commands[group].commands[name]
    assert f"`{name}" in text or f"`{group} {name}" in text, name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, (name, param.name)
            assert any(opt in text for opt in param.opts), (name, param.opts)
