"""A contact as given: the plain record `visit log`, `visit edit` and the demo build, with
its rules. Not a pydantic model: `visit log` runs many times a day and must not pay for
importing pydantic. Typed values are read by fields.py, the same rules the models use."""

from __future__ import annotations

import dataclasses
from datetime import date

from connector_cli import codes
from connector_cli import fields as read
from connector_cli.errors import UserError

MAX_CONTACT_MINUTES = 12 * 60


@dataclasses.dataclass(frozen=True)
class ContactIn:
    """A visit, call, message, a call about the person, or an attempt. Each value is read as
    it is given (text or a date; a code's slug in any case), then the rules are checked."""

    date: date
    kind: str
    minutes: int | None = None
    delivered_by: str = "connector"
    volunteer: str | None = None
    location: str | None = None
    journey: bool = False
    note: str | None = None
    after_closure: bool = False

    def __post_init__(self) -> None:
        values = {
            "date": read.day(self.date, "date"),
            "kind": read.code(codes.CONTACT_KINDS, self.kind, "contact kind"),
            "minutes": self.minutes,
            "delivered_by": read.code(codes.DELIVERED_BY, self.delivered_by, "--by"),
            "volunteer": read.text(self.volunteer),
            "location": read.code(codes.LOCATIONS, self.location, "location"),
            "journey": _flag(self.journey),
            "note": read.text(self.note),
            "after_closure": _flag(self.after_closure),
        }
        _check_types(values)
        for name, value in values.items():
            object.__setattr__(self, name, value)
        self._check_rules()

    def _check_rules(self) -> None:
        if self.minutes is not None and not 1 <= self.minutes <= MAX_CONTACT_MINUTES:
            raise UserError(
                f"Minutes must be a whole number from 1 to {MAX_CONTACT_MINUTES}, not {self.minutes}."
            )
        if self.kind in codes.KINDS_NEEDING_MINUTES and self.minutes is None:
            raise UserError(f"A {self.kind} contact needs its length: give --minutes N.")
        if self.location and self.kind != "face-to-face":
            raise UserError("--location is only for face-to-face contacts.")
        if self.volunteer and self.delivered_by != "volunteer":
            raise UserError("--volunteer names who delivered it: add --by volunteer.")

    def values(self, *, without: tuple[str, ...] = ()) -> dict:
        """Every field by name, in order (what the store writes)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in without}


def _flag(value):
    """A yes/no: True or False, or 1 or 0 as the database holds it."""
    return bool(value) if type(value) is bool or value in (0, 1) else value


EXPECTED = {
    "date": (date, "date"),
    "kind": (str, "string"),
    "minutes": (int, "integer"),
    "delivered_by": (str, "string"),
    "journey": (bool, "boolean"),
    "after_closure": (bool, "boolean"),
}


def _check_types(values: dict) -> None:
    """A required value missing, or a number or flag of the wrong kind (only our own code could
    give one: the command line reads them as typed values)."""
    for field in dataclasses.fields(ContactIn):
        expected, kind = EXPECTED.get(field.name, (None, ""))
        value = values[field.name]
        if expected is None or (value is None and field.default is None):
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise read.wrong_type(field.name, kind)
