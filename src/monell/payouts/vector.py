"""The cell parsers of `parse.py`, applied to whole columns (pyarrow arrays) at once.

Each function gives the same answer for every cell as its row-by-row twin in `parse.py`
(tests/payouts/test_vector.py checks it with hypothesis over arbitrary cell text): text is
trimmed and blanks dropped in C; amounts in the common plain form ("1234.5", "-250") are
read in C and every other form ("$1,234.50", "(250)", "1e+05", "1499999.9999") by
`parse_amount`; dates and years by `parse_date` / `parse_year` once per distinct value of the
batch (a file has a few thousand distinct dates, not millions). A cell that cannot be read is
marked in the returned `bad` mask; the importer asks `Layout.extract` for the row's message,
so the wording is the row-by-row parser's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from monell.payouts.parse import BLANKS, CellError, parse_amount, parse_date, parse_year, to_cents

# Exactly the characters Python's str.strip() removes, so trimming agrees with `clean_text`
# (tests/payouts/test_columnar.py checks it against str.isspace over every code point; working
# it out at import took 0.3 s of every command that reads settlements).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANKS = pa.array(sorted(BLANKS), pa.string())
# Plain amounts: digits, an optional sign and at most two decimals; under $10 trillion.
_PLAIN_AMOUNT = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
_NULL_TEXT = pa.scalar(None, pa.string())
MEMO_LIMIT = 100_000  # distinct cells remembered per column between batches


def strip(column: pa.Array) -> pa.Array:
    return pc.utf8_trim(column, characters=WHITESPACE)


def blank(column: pa.Array, stripped: pa.Array | None = None) -> pa.Array:
    """`parse.is_blank` of every cell: empty, whitespace, or NA / N/A / - / null … .
    `stripped`: `strip(column)`, when the caller has it already."""
    stripped = strip(column) if stripped is None else stripped
    short = pc.less_equal(pc.utf8_length(stripped), 4)
    # ASCII lowering is enough: every blank word is ASCII, and no non-ASCII letter lowers
    # to an ASCII letter that could complete one.
    listed = pc.and_(short, pc.is_in(pc.ascii_lower(stripped), value_set=_BLANKS))
    return pc.or_(pc.equal(stripped, ""), listed)


def text(column: pa.Array) -> pa.Array:
    """`parse.clean_text`: trimmed, Windows line ends as \\n, None for a blank cell."""
    stripped = strip(column)
    is_blank = blank(column, stripped)
    # CR and LF are both whitespace, so trimming before the line ends are rewritten gives what
    # clean_text gives by rewriting first.
    if pc.any(pc.match_substring(stripped, "\r")).as_py():
        stripped = pc.replace_substring(pc.replace_substring(stripped, "\r\n", "\n"), "\r", "\n")
    return pc.if_else(is_blank, _NULL_TEXT, stripped)


def cents(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(`to_cents(parse_amount(cell))` as int64, bad-cell mask)."""
    is_blank = blank(column)
    stripped = strip(column)
    plain = pc.and_(pc.match_substring_regex(stripped, _PLAIN_AMOUNT), pc.invert(is_blank))
    # A float64 holds every two-decimal amount under $10 trillion to well within half a
    # cent, so rounding the product gives the exact cents.
    as_float = pc.cast(pc.if_else(plain, stripped, "0"), pa.float64())
    fast = pc.cast(pc.round(pc.multiply(as_float, 100.0)), pa.int64())
    values = pc.if_else(plain, fast, pa.scalar(None, pa.int64()))
    other = pc.and_(pc.invert(plain), pc.invert(is_blank))
    if not pc.any(other).as_py():
        return values, pa.repeat(False, len(column))
    slow, bad = by_distinct(
        pc.filter(column, other), lambda cell: to_cents(parse_amount(cell)), pa.int64()
    )
    values = pc.replace_with_mask(values, other, slow)
    bad_all = pc.replace_with_mask(pa.repeat(False, len(column)), other, bad)
    return values, bad_all


def dates(
    column: pa.Array, fmt: str | None, today: date, memo: dict[str, Any] | None = None
) -> tuple[pa.Array, pa.Array]:
    """(`parse_date(cell, fmt)` as date32, bad-cell mask)."""
    return by_distinct(column, lambda cell: parse_date(cell, fmt, today=today), pa.date32(), memo)


def years(
    column: pa.Array, today: date, memo: dict[str, Any] | None = None
) -> tuple[pa.Array, pa.Array]:
    """(`parse_year(cell)` as int64, bad-cell mask)."""
    return by_distinct(column, lambda cell: parse_year(cell, today=today), pa.int64(), memo)


_FAILED = object()


def by_distinct(
    column: pa.Array,
    parse: Callable[[str], Any],
    kind: pa.DataType,
    memo: dict[str, Any] | None = None,
) -> tuple[pa.Array, pa.Array]:
    """`parse` once per distinct cell, spread back over the column; (values, bad mask).
    `memo` carries answers from batch to batch (a file repeats its dates)."""
    encoded = pc.dictionary_encode(column)
    memo = {} if memo is None else memo
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    values: list[Any] = []
    failed: list[bool] = []
    for cell in encoded.dictionary.to_pylist():
        value = memo.get(cell, memo)
        if value is memo:
            try:
                value = parse(cell)
            except CellError:
                value = _FAILED
            memo[cell] = value
        failed.append(value is _FAILED)
        values.append(None if value is _FAILED else value)
    indices = encoded.indices
    return (
        pa.array(values, kind).take(indices),
        pa.array(failed, pa.bool_()).take(indices),
    )


_JSON_NAMED = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_JSON_CONTROL = {code: _JSON_NAMED.get(chr(code), f"\\u{code:04x}") for code in range(0x20)}
_JSON_COMMON = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def json_string(column: pa.Array) -> pa.Array:
    """Each cell as a JSON string literal, as json.dumps(ensure_ascii=False) writes it."""
    return pc.binary_join_element_wise('"', json_escaped(column), '"', "")


def json_escaped(column: pa.Array) -> pa.Array:
    """Each cell escaped as inside a JSON string literal (without the quotes).

    Only the cells with a character to escape go through the escaping passes (a file's long
    allegation texts mostly have none), then take their place again."""
    special = pc.match_substring_regex(column, '[\\\\"\\x00-\\x1f]')
    if not pc.any(special).as_py():
        return column  # nothing to escape
    escaped = pc.filter(column, special)
    for char, code in _JSON_COMMON:  # backslash first, then quotes, line breaks and tabs
        if pc.any(pc.match_substring(escaped, char)).as_py():
            escaped = pc.replace_substring(escaped, char, code)
    control = pc.match_substring_regex(escaped, "[\\x00-\\x1f]")
    if pc.any(control).as_py():
        # Other control characters are rare: escape those cells in Python, as json does.
        cells = pc.filter(escaped, control).to_pylist()
        fixed = pa.array([cell.translate(_JSON_CONTROL) for cell in cells], pa.string())
        escaped = pc.replace_with_mask(escaped, control, fixed)
    return pc.replace_with_mask(column, special, escaped)
