"""What typed text may hold: one rule for names, directory and gap fields, and imports.

Refused rather than stripped, so nothing is silently changed: control characters (ESC would
reach a terminal that prints the record; NUL truncates text in other programs) and the
invisible bidirectional overrides and isolates that make text display in another order than
it is stored (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C). New lines and tabs are
allowed in free text (notes), not in one-line fields such as names.
"""

from __future__ import annotations

import re
import unicodedata

from connector_cli.errors import UserError

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# A cell a spreadsheet would run: =..., @..., or +/- followed by something that is not a plain
# number or phone number (+44 161 496 0101 and -3 are fine).
_FORMULA = re.compile(r"\s*(?:[=@]|[+-](?![\d\s().-]*\Z))")


def problem(text: str, *, one_line: bool = False) -> str | None:
    """Why `text` cannot be stored as typed, or None."""
    for ch in text:
        if ch in BIDI_CONTROLS:
            return "invisible text-direction characters (bidi overrides)"
        if unicodedata.category(ch) == "Cc" and (one_line or ch not in "\n\t"):
            if ch in "\n\t":
                return "more than one line"
            return "control characters (e.g. escape codes)"
        if unicodedata.category(ch) == "Cs":
            return "bytes that are not valid text (UTF-8)"
    return None


def check(text: str, *, what: str = "Text", one_line: bool = False) -> str:
    """`text` if it may be stored; else a UserError naming `what`."""
    why = problem(text, one_line=one_line)
    if why:
        raise UserError(f"{what} cannot contain {why}.")
    return text


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA.match(text))


def for_terminal(text: str) -> str:
    """Text safe to print: control characters (but new lines) and bidi controls shown as '?',
    undecodable bytes as U+FFFD. For what was stored before these were refused, and for what
    a user typed that is repeated back in a message."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(
        ch if ch == "\n" or (ch.isprintable() and ch not in BIDI_CONTROLS) else "?" for ch in text
    )
