"""Every text cell of every CSV the tool writes goes through `text_cell`, once: a spreadsheet
must never run a cell as a formula, and no cell carries a control character."""

from __future__ import annotations

import re

# A cell starting with one of these is run as a formula (or, tab and CR, hides one) by Excel,
# LibreOffice and Google Sheets (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def text_cell(text: str) -> str:
    """Text safe in a spreadsheet: control characters (line breaks and tabs included) become
    spaces, and text that would start a formula is prefixed with an apostrophe (a number such
    as -3 is left alone)."""
    risky = text.startswith(FORMULA_START) and not _is_number(text)
    cleaned = _CONTROL.sub(" ", text)
    return "'" + cleaned if risky else cleaned
