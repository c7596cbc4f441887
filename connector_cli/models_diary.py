"""Pydantic models for plans (arranged contacts) and case notes. Imported lazily."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, model_validator

from connector_cli import codes, dates
from connector_cli.errors import UserError
from connector_cli.models import Model, Text, _past

PLAN_KINDS = tuple(c for c in codes.CONTACT_KINDS if c.slug in codes.SUPPORT_KINDS)
MAX_PLAN_AHEAD_DAYS = 366
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)", re.ASCII)


def _plan_date(value: Any) -> date:
    """Today or later (a plan is for what is still to happen); `tomorrow` is understood."""
    if isinstance(value, date):
        day = value
    elif str(value).strip().casefold() == "tomorrow":
        day = dates.today() + timedelta(days=1)
    else:
        day = dates.parse_date(str(value), what="plan date")
    today = dates.today()
    if day < today:
        raise UserError(
            f"The plan date {day.isoformat()} is in the past: plan today or later "
            "(to record a contact that happened, use `connector visit log`)."
        )
    if day > today + timedelta(days=MAX_PLAN_AHEAD_DAYS):
        raise UserError(f"The plan date {day.isoformat()} is more than a year ahead: a typo?")
    return day


def _time(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    match = _TIME.fullmatch(str(value).strip())
    if match is None:
        raise UserError(f"Invalid time '{value}': use HH:MM on the 24-hour clock, e.g. 14:30.")
    return f"{int(match[1]):02d}:{match[2]}"


def _kind(value: Any) -> str | None:
    return None if value is None else codes.check(PLAN_KINDS, str(value), "planned contact kind")


class PlanIn(Model):
    date: Annotated[date, BeforeValidator(_plan_date)]
    time: Annotated[str | None, BeforeValidator(_time)] = None
    kind: Annotated[str | None, BeforeValidator(_kind)] = None
    note: Text = None


MAX_NOTE_CHARS = 20_000


class NoteIn(Model):
    date: Annotated[date, _past("note date")]
    text: Text

    @model_validator(mode="after")
    def _rules(self) -> NoteIn:
        if not self.text:
            raise UserError("A note needs some text: nothing was saved.")
        if len(self.text) > MAX_NOTE_CHARS:
            raise UserError(f"A note can be at most {MAX_NOTE_CHARS:,} characters.")
        return self
