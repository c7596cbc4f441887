"""What a typed value becomes, one rule each: dates, codes, free text, names. The pydantic
models (models.py) wrap these in validators; the plain records everyday commands build without
pydantic (contacts.py) call them directly, so each rule is written once."""

from __future__ import annotations

from datetime import date
from typing import Any

from connector_cli import codes, dates
from connector_cli.errors import UserError


def day(value: Any, what: str) -> date | None:
    """A date given as text or as a date (None stays None): not in the future, and for an
    event not before the earliest date connector accepts (a date of birth is not an event)."""
    if value is None or isinstance(value, date):
        return value
    if what == "date of birth":
        return dates.parse_past_date(str(value), what=what)
    return dates.parse_event_date(str(value), what=what)


def code(code_list: tuple[codes.Code, ...], value: Any, what: str) -> str | None:
    """The slug `value` names in `code_list` (None stays None), or refused naming `what`."""
    return None if value is None else codes.check(code_list, str(value), what)


def text(value: Any) -> str | None:
    """Free text, trimmed; blank is None. Refused if it holds what text may not (clean.py)."""
    if value is None:
        return None
    from connector_cli import clean

    cleaned = clean.check(str(value).strip())
    return cleaned or None


def name(value: Any) -> str | None:
    """As `text`, on one line."""
    cleaned = text(value)
    if cleaned and ("\n" in cleaned or "\t" in cleaned):
        raise UserError("A name must be on one line.")
    return cleaned


def wrong_type(field: str, kind: str) -> UserError:
    """A value of the wrong type, worded as cli.py words a pydantic model's type error."""
    return UserError(
        f"Invalid value for {field.replace('_', '-')}: input should be a valid {kind}."
    )
