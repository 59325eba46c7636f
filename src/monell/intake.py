"""Read an incident file (YAML or JSON) and validate it into an `Incident`.

The reader is strict where YAML and JSON are lax, because a silent change of a value is worse
than an error:

- Scalars keep the text the person wrote. YAML 1.1 would turn a badge `0123` into 83, `0x1F`
  into 31 and `1:30` into 90 (octal, hex, sexagesimal); here an integer remembers its text
  (`WrittenInt`), so validation's `str(badge)` gives back what was typed. PyYAML raises on
  an impossible date such as 2021-02-30 (or `!!timestamp`) before validation could name
  the field, so dates stay text until `parse_incident` checks them.
- A key given twice is an error naming the key and both lines (both parsers keep the last).
- The input is bounded: files over `MAX_INPUT_BYTES` are refused before parsing, an alias
  may only repeat a scalar (so an "billion laughs" document cannot expand), and nesting
  deeper than the parser's stack is a named error, not a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import CollectionNode, MappingNode, ScalarNode

from monell.domain.incident import NOT_SHOWN, IncidentError, Problem
from monell.domain.models import Incident

# An incident description is a page of text; 1 MiB leaves room for a long narrative.
MAX_INPUT_BYTES = 1 << 20


class DuplicateKeyError(ConstructorError):
    """A mapping names the same key twice; carries the key and the 1-based lines."""

    def __init__(self, key: object, lines: tuple[int, ...], mark: Any) -> None:
        self.key = key
        self.lines = lines
        super().__init__(None, None, f"key {key!r} given twice", mark)


class TextScalarLoader(yaml.SafeLoader):
    """SafeLoader that keeps scalars as written (see the module docstring), refuses
    repeated keys and aliases to lists or mappings."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            node = self.anchors.get(event.anchor)
            if isinstance(node, CollectionNode):
                raise ComposerError(
                    None,
                    None,
                    f"alias *{event.anchor} repeats a list or mapping; write the values out "
                    "(aliases may only repeat a single value)",
                    event.start_mark,
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:
                continue  # unhashable: the base class raises its own error for it
            line = key_node.start_mark.line + 1
            if first != line:
                raise DuplicateKeyError(key, (first, line), key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_as_text(self, node: ScalarNode) -> str:
        return str(self.construct_scalar(node))

    def construct_written_int(self, node: ScalarNode) -> int | str:
        written = str(self.construct_scalar(node))
        try:
            value = super().construct_yaml_int(node)  # type: ignore[no-untyped-call]
        except ValueError:  # more digits than Python converts (4,300): keep the text
            return written
        return WrittenInt(value, written)


class WrittenInt(int):
    """A YAML integer that remembers how it was written: `str()` gives `0123`, `0x1F` or
    `1:30` back, so a badge written without quotes is kept as typed, while arithmetic and
    comparisons (scenario tables' numbers) see the number YAML 1.1 reads."""

    written: str

    def __new__(cls, value: int, written: str) -> WrittenInt:
        self = super().__new__(cls, value)
        self.written = written
        return self

    def __str__(self) -> str:
        return self.written


# YAML's own date parsing is off (dates stay text for validation to judge); an explicit
# `!!timestamp 2021-02-30` is text too instead of a late ValueError.
TextScalarLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
TextScalarLoader.add_constructor("tag:yaml.org,2002:timestamp", TextScalarLoader.construct_as_text)
TextScalarLoader.add_constructor("tag:yaml.org,2002:int", TextScalarLoader.construct_written_int)


def _json_int(text: str) -> int | str:
    return int(text) if len(text) < 4000 else text  # beyond Python's digit limit: text


def _file_problem(source: str, message: str) -> IncidentError:
    return IncidentError([Problem("(file)", NOT_SHOWN, message)])


def yaml_message(exc: yaml.YAMLError) -> str:
    """`line L, column C: what is wrong`, without PyYAML's multi-line excerpt."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = "; ".join(str(x) for x in (exc.context, exc.problem) if x)
        return f"line {mark.line + 1}, column {mark.column + 1}: {what}"
    return str(exc)


class _JsonDuplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_json_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonDuplicate(key)
        result[key] = value
    return result


def _json_key_lines(text: str, key: str) -> tuple[int, ...]:
    literal = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    return tuple(text.count("\n", 0, m.start()) + 1 for m in literal.finditer(text))


def duplicate_key_problem(key: object, lines: tuple[int, ...]) -> Problem:
    where = f"on lines {', '.join(map(str, lines))}" if len(lines) > 1 else "more than once"
    name = key if isinstance(key, str) and key.isprintable() else repr(key)
    return Problem(
        str(name),
        NOT_SHOWN,
        f"given twice ({where}); only one value can count: keep one",
    )


def read_incident_data(text: str, source: str) -> Any:
    """Parse YAML or JSON text; every failure is an IncidentError naming the fix."""
    stripped = text.lstrip()
    try:
        if source.endswith(".json") or stripped.startswith("{"):
            try:
                return json.loads(
                    text,
                    object_pairs_hook=_no_json_duplicates,
                    parse_int=_json_int,
                )
            except _JsonDuplicate as exc:
                raise IncidentError(
                    [duplicate_key_problem(exc.key, _json_key_lines(text, exc.key))]
                ) from None
        return yaml.load(text, Loader=TextScalarLoader)  # a SafeLoader subclass
    except DuplicateKeyError as exc:
        raise IncidentError([duplicate_key_problem(exc.key, exc.lines)]) from None
    except json.JSONDecodeError as exc:
        raise _file_problem(source, f"not valid YAML or JSON: {_bounded(str(exc))}") from None
    except yaml.YAMLError as exc:
        raise _file_problem(
            source, f"not valid YAML or JSON: {_bounded(yaml_message(exc))}"
        ) from None
    except RecursionError:
        raise _file_problem(
            source, "lists or mappings are nested too deeply to be an incident description"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise _file_problem(source, f"not valid YAML or JSON: {_bounded(str(exc))}") from None


def _bounded(message: str, limit: int = 400) -> str:
    return message if len(message) <= limit else message[:limit] + " …"


def read_bounded(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes, refusing more than `limit` (so /dev/zero or a mistaken multi-GB
    file is an error at once, not a hang). Raises OSError or ValueError (too large)."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit >> 10} KiB")
    return data


def load_incident(
    path: str | Path, today: dt.date | None = None, as_of: dt.date | None = None
) -> Incident:
    """Load and validate; `as_of` (the CLI's --as-of) overrides the file's evaluated_on."""
    p = Path(path)
    try:
        raw = read_bounded(p)
    except FileNotFoundError as exc:
        raise _file_problem(str(p), "file not found") from exc
    except IsADirectoryError as exc:
        raise _file_problem(str(p), "is a folder; give the incident file inside it") from exc
    except OSError as exc:
        raise _file_problem(str(p), f"cannot read the file: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise _file_problem(
            str(p), f"{exc}: not an incident description; check the file name"
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _file_problem(
            str(p), f"cannot read the file: byte {exc.start} is not UTF-8; save it as UTF-8"
        ) from exc
    from monell.app.assessment import incident_from_data

    return incident_from_data(read_incident_data(text, p.name), today=today, as_of=as_of)
