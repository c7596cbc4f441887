"""Pydantic models for the community directory and the gaps register: validation lives here.

Validators raise UserError so a refusal reaches the user as the sentence written here. Imported
lazily (pydantic is heavy): command modules import this inside their functions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from connector_cli import codes, dates
from connector_cli.errors import UserError

# A full UK postcode (outward and inward code). Areas go into gaps.csv, which must never hold
# one; the postcode district (the outward code, e.g. "LS6") is fine.
FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def _text(value: Any) -> str | None:
    from connector_cli import clean

    if value is None:
        return None
    cleaned = clean.check(str(value).strip())
    return cleaned or None


def _past(what: str):
    def parse(value: Any) -> date | None:
        if isinstance(value, date):
            value = value.isoformat()
        cleaned = _text(value)
        return None if cleaned is None else dates.parse_event_date(cleaned, what=what)

    return BeforeValidator(parse)


def _category(data: Any) -> Any:
    """Turn a `category` key (group/sub) into category_group and category_sub."""
    if isinstance(data, dict) and "category" in data:
        data = dict(data)
        text = _text(data.pop("category"))
        if text is None:
            raise UserError("A category is needed, e.g. third-sector/lunch-club.")
        data["category_group"], data["category_sub"] = codes.parse_signpost_category(text)
    return data


Text = Annotated[str | None, BeforeValidator(_text)]
Required = Annotated[str, BeforeValidator(_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def validate(model: type[Model], data: dict) -> Model:
    """Build a model; anything pydantic itself refuses becomes one plain sentence."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "value"
        raise UserError(f"Invalid {field.replace('_', ' ')}: {first['msg'].lower()}.") from None


class EntryIn(Model):
    """What a directory entry holds: everything about the organisation is public information."""

    name: Required
    category_group: str
    category_sub: str | None = None
    offers: Text = None
    suits: Text = None
    area: Text = None
    venue: Text = None
    when_text: Text = None
    cost: Text = None
    access: Text = None
    contact: Text = None
    verified_date: Annotated[date | None, _past("verification date")] = None
    verified_by: Text = None
    verified_how: Text = None
    retired_date: Annotated[date | None, _past("retirement date")] = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        data = _category(data)
        if isinstance(data, dict) and _text(data.get("name")) is None:
            raise UserError("A directory entry needs a name.")
        return data

    @property
    def category(self) -> str:
        return codes.format_signpost_category(self.category_group, self.category_sub)

    def row(self) -> dict:
        """Values for the directory_entries table (dates as ISO text)."""
        values = self.model_dump()
        for key in ("verified_date", "retired_date"):
            values[key] = values[key].isoformat() if values[key] else None
        return values


class Entry(EntryIn):
    """A stored entry, as list/search/show return it (stored dates are not re-checked)."""

    id: int
    stale: bool
    verified_date: date | None = None
    retired_date: date | None = None

    @property
    def retired(self) -> bool:
        return self.retired_date is not None

    def public(self) -> dict:
        """The JSON shape: dates as ISO text, the category written group/sub."""
        data = self.model_dump(mode="json")
        data["category"] = self.category
        return data


class SignpostUse(Model):
    """How an entry has worked for people: counts only, never who."""

    signposts: int
    people: int
    outcomes: dict[str, int]


class EntryDetail(Model):
    entry: Entry
    use: SignpostUse

    def public(self) -> dict:
        return {**self.entry.public(), "signposted": self.use.model_dump()}


class GapIn(Model):
    date: Annotated[date, _past("date")]
    category_group: str
    category_sub: str | None = None
    need: Required
    reason: str
    area: Text = None
    person_id: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        data = _category(data)
        if not isinstance(data, dict):
            return data
        if _text(data.get("need")) is None:
            raise UserError("A gap needs a description of what was needed (--need).")
        if data.get("reason") is not None:
            data["reason"] = codes.check(codes.GAP_REASONS, str(data["reason"]), "gap reason")
        area = _text(data.get("area"))
        if area and FULL_POSTCODE.search(area):
            raise UserError(
                f"The area '{area}' holds a full postcode; give the locality or the postcode "
                "district only (e.g. LS6), as it goes into reports."
            )
        return data

    @property
    def category(self) -> str:
        return codes.format_signpost_category(self.category_group, self.category_sub)


class Gap(GapIn):
    id: int
    date: date

    def public(self) -> dict:
        data = self.model_dump(mode="json")
        data["category"] = self.category
        return data
