"""CSV cells that a spreadsheet will not run: text from articles starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Sheets (CSV injection). As OWASP recommends, such a cell gets
a leading single quote and is otherwise kept as it was.

>>> safe_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> safe_cell("-3 people"), safe_cell(-3), safe_cell("Officials said")
("'-3 people", -3, 'Officials said')
"""

from __future__ import annotations

from collections.abc import Mapping

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with a leading `'` if it is text a spreadsheet would take for a formula.
    Numbers are left alone: they come from the ledger, not from article text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, object]) -> dict[str, object]:
    """A CSV row with every cell made safe (see `safe_cell`)."""
    return {k: safe_cell(v) for k, v in row.items()}
