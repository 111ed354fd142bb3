"""Spreadsheet-safe CSV cells: a cell a spreadsheet would run as a formula is written as text.

Excel, LibreOffice and Google Sheets evaluate a CSV cell that starts with `=`, `+`, `-` or `@` (and some
read a leading tab or carriage return the same way), so `=HYPERLINK("http://evil", "click")` in a
contact's name becomes a live link, or worse, in whoever opens the file (OWASP "CSV Injection"). The
usual defence, used here: prefix such a cell with `'`, which spreadsheets show as text. Plain numbers
(`-5`, `+3.2`) cannot be formulas and are left alone.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "neutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(text: str) -> str:
    """The cell as a spreadsheet will show it, never run it.

    Args:
        text: the cell's text.

    Returns:
        `text` with a leading `'` when it starts with one of `FORMULA_STARTS` and is not a plain number;
        otherwise `text` unchanged.
    """
    if text.startswith(FORMULA_STARTS) and not _NUMBER.match(text):
        return "'" + text
    return text
