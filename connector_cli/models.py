"""Pydantic models for the core pathway: validation lives here, once; how each typed value is
read (dates, codes, text, names) is in fields.py, shared with the plain records that everyday
commands build without pydantic (contacts.py: a contact, as `visit log` logs it).

Validators raise UserError (not ValueError) so a refusal reaches the user as the exact sentence
written here, not as pydantic's multi-line report. Imported lazily: pydantic is heavy.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from connector_cli import codes, fields
from connector_cli.errors import UserError


def _past(what: str):
    return BeforeValidator(lambda value: fields.day(value, what))


def _code(code_list: tuple[codes.Code, ...], what: str):
    return BeforeValidator(lambda value: fields.code(code_list, value, what))


Text = Annotated[str | None, BeforeValidator(fields.text)]
Name = Annotated[str | None, BeforeValidator(fields.name)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")


def _postcode(value: Any) -> str | None:
    """A UK postcode, written the usual way ('ls6 3ab' -> 'LS6 3AB')."""
    cleaned = fields.text(value)
    if cleaned is None:
        return None
    packed = "".join(cleaned.split()).upper()
    if not _POSTCODE.fullmatch(packed):
        raise UserError(f"'{' '.join(cleaned.split())}' is not a UK postcode (e.g. LS6 3AB).")
    return f"{packed[:-3]} {packed[-3:]}"


Postcode = Annotated[str | None, BeforeValidator(_postcode)]


class HomeDetails(Model):
    """What a home visit needs (new-referral, person edit). Personal: never aggregated."""

    address: Text = None
    postcode: Postcode = None
    gp_practice: Text = None
    kin_name: Name = None
    kin_relationship: Name = None
    kin_phone: Name = None
    contact_method: Annotated[str | None, _code(codes.CONTACT_METHODS, "contact method")] = None
    access_needs: Text = None


HOME_DETAILS = tuple(HomeDetails.model_fields)


class ReferralIn(HomeDetails):
    name: Name
    referral_date: Annotated[date, _past("referral date")]
    source: Annotated[str | None, _code(codes.SOURCES, "referral source")] = None
    referrer: Text = None
    reason: Text = None
    triggers: tuple[str, ...] = ()
    no_triggers: bool = False
    primary_trigger: Annotated[str | None, _code(codes.TRIGGERS, "trigger group")] = None
    dob: Annotated[date | None, _past("date of birth")] = None
    age: int | None = None
    age_not_stated: bool = False
    gender: Annotated[str | None, _code(codes.GENDERS, "gender")] = None
    ethnicity: Annotated[str | None, _code(codes.ETHNICITIES, "ethnicity code")] = None
    living: Annotated[str | None, _code(codes.LIVING, "living arrangement")] = None
    area: Text = None
    phone: Text = None
    email: Text = None
    consent_to_share: bool | None = None
    risks: Text = None
    no_known_risks: bool = False
    status: Annotated[str, _code(codes.STATUSES, "status")] = "pending"
    status_reason: Text = None
    decline_by: Annotated[str | None, _code(codes.DECLINE_BY, "declined by")] = None

    @model_validator(mode="before")
    @classmethod
    def _clean_triggers(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("triggers"):
            data = dict(data)
            data["triggers"] = tuple(
                dict.fromkeys(
                    codes.check(codes.TRIGGERS, t, "trigger group") for t in data["triggers"]
                )
            )
        return data

    @model_validator(mode="after")
    def _rules(self) -> ReferralIn:
        if not self.name:
            raise UserError("A referral needs the person's name (--name).")
        if self.triggers and self.no_triggers:
            raise UserError("Give trigger groups or --no-triggers, not both.")
        if self.primary_trigger and self.primary_trigger not in self.triggers:
            raise UserError(
                f"The primary trigger '{self.primary_trigger}' must also be one of the --trigger groups."
            )
        self._check_age()
        if self.status in ("declined", "failed") and not self.status_reason:
            raise UserError(f"A {self.status} referral needs a reason (--decline-reason).")
        if self.status_reason and self.status not in ("declined", "failed"):
            raise UserError("--decline-reason is only for --status declined or failed.")
        if self.risks and self.no_known_risks:
            raise UserError("Give known risks or 'no known risks', not both.")
        return self

    def _check_age(self) -> None:
        given = sum([self.dob is not None, self.age is not None, self.age_not_stated])
        if given > 1:
            raise UserError("Give a date of birth or an age (or 'not-stated'), not both.")
        if self.age is not None and not 16 <= self.age <= 120:
            raise UserError(f"Age {self.age} is not an adult's age in years (16-120).")
        if self.dob is not None and not 16 <= years_between(self.dob, self.referral_date) <= 120:
            raise UserError(
                f"Date of birth {self.dob.isoformat()} gives an age outside 16-120 at referral."
            )

    @property
    def age_at_referral(self) -> int | None:
        if self.dob is not None:
            return years_between(self.dob, self.referral_date)
        return self.age


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class StatusChange(Model):
    status: Annotated[str, _code(codes.STATUSES, "status")]
    date: Annotated[date, _past("date")]
    reason: Text = None
    decline_by: Annotated[str | None, _code(codes.DECLINE_BY, "declined by")] = None

    @model_validator(mode="after")
    def _rules(self) -> StatusChange:
        if self.status in ("declined", "failed") and not self.reason:
            raise UserError(f"A {self.status} referral needs a reason (--reason).")
        return self


class ConversationIn(Model):
    date: Annotated[date, _past("date")]
    answers: dict[str, str]


class GoalIn(Model):
    text: Text
    domain: Annotated[str, _code(codes.GOAL_DOMAINS, "goal domain")]
    date: Annotated[date, _past("date")]

    @model_validator(mode="after")
    def _rules(self) -> GoalIn:
        if not self.text:
            raise UserError("A goal needs the person's own words.")
        return self


class GoalReviewIn(Model):
    progress: Annotated[str, _code(codes.GOAL_PROGRESS, "progress")]
    date: Annotated[date, _past("date")]
    note: Text = None


class SignpostIn(Model):
    date: Annotated[date, _past("date")]
    to_text: Text
    category_group: str
    category_sub: str | None = None
    entry_id: int | None = None
    accompanied: bool = False

    @model_validator(mode="before")
    @classmethod
    def _category(cls, data: Any) -> Any:
        if isinstance(data, dict) and "category" in data:
            data = dict(data)
            group, sub = codes.parse_signpost_category(str(data.pop("category")))
            data["category_group"], data["category_sub"] = group, sub
        return data

    @model_validator(mode="after")
    def _rules(self) -> SignpostIn:
        if not self.to_text:
            raise UserError("A signpost needs the organisation or activity (--to).")
        return self


class ClosureIn(Model):
    date: Annotated[date, _past("closure date")]
    reason: Annotated[str, _code(codes.CLOSURE_REASONS, "closure reason")]
    sub_reason: Annotated[str | None, _code(codes.CHOICE_SUB_REASONS, "sub-reason")] = None
    detail: Text = None

    @model_validator(mode="after")
    def _rules(self) -> ClosureIn:
        if self.sub_reason and self.reason != "choice":
            raise UserError("--sub-reason is only for --reason choice.")
        if self.reason == "other" and not self.detail:
            raise UserError("Closure reason 'other' needs a short explanation: give --detail.")
        return self


# --- What commands return ---------------------------------------------------------------------


class Created(Model):
    """Ids of what a command created, for --json."""

    values: dict[str, int]
    message: str


# --- Corrections: only the fields given are changed ----------------------------------------


class PersonEdit(HomeDetails):
    name: Name = None
    dob: Annotated[date | None, _past("date of birth")] = None
    gender: Annotated[str | None, _code(codes.GENDERS, "gender")] = None
    ethnicity: Annotated[str | None, _code(codes.ETHNICITIES, "ethnicity code")] = None
    living: Annotated[str | None, _code(codes.LIVING, "living arrangement")] = None
    area: Text = None
    phone: Text = None
    email: Text = None
    consent_to_share: bool | None = None
    risks: Text = None
    no_known_risks: bool | None = None

    @model_validator(mode="after")
    def _rules(self) -> PersonEdit:
        if "name" in self.model_fields_set and not self.name:
            raise UserError("A person's name cannot be blank.")
        if self.risks and self.no_known_risks:
            raise UserError("Give known risks or --no-known-risks, not both.")
        return self


class EpisodeEdit(Model):
    source: Annotated[str | None, _code(codes.SOURCES, "referral source")] = None
    referrer: Text = None
    reason: Text = None
    triggers: tuple[str, ...] | None = None
    no_triggers: bool = False
    primary_trigger: Annotated[str | None, _code(codes.TRIGGERS, "trigger group")] = None
    age: int | None = None
    age_not_stated: bool = False
    closure_detail: Text = None

    @model_validator(mode="before")
    @classmethod
    def _clean_triggers(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("triggers"):
            data = dict(data)
            data["triggers"] = tuple(
                dict.fromkeys(
                    codes.check(codes.TRIGGERS, t, "trigger group") for t in data["triggers"]
                )
            )
        return data

    @model_validator(mode="after")
    def _rules(self) -> EpisodeEdit:
        if self.triggers and self.no_triggers:
            raise UserError("Give trigger groups or --no-triggers, not both.")
        if self.primary_trigger and self.no_triggers:
            raise UserError("Give a --primary-trigger or --no-triggers, not both.")
        if self.age is not None and not 16 <= self.age <= 120:
            raise UserError(f"Age {self.age} is not an adult's age in years (16-120).")
        if self.age is not None and self.age_not_stated:
            raise UserError("Give an age or 'not-stated', not both.")
        return self


# --- Safeguarding concerns and volunteers -------------------------------------------------------


class ConcernIn(Model):
    date: Annotated[date, _past("date")]
    category: Annotated[str, _code(codes.CONCERN_CATEGORIES, "concern category")]
    note: Text
    reported_to: Text = None
    reference: Name = None

    @model_validator(mode="after")
    def _rules(self) -> ConcernIn:
        if not self.note:
            raise UserError("A concern needs a note of what was seen or said (--note).")
        if self.reference and not self.reported_to:
            raise UserError("A --reference needs --reported-to (who gave the reference).")
        return self


class ConcernChange(Model):
    note: Text = None
    reported_to: Text = None
    reference: Name = None


class ConcernClose(Model):
    date: Annotated[date, _past("date")]
    outcome: Text

    @model_validator(mode="after")
    def _rules(self) -> ConcernClose:
        if not self.outcome:
            raise UserError("Closing a concern needs its outcome (--outcome).")
        return self


class VolunteerIn(Model):
    name: Name
    phone: Name = None
    checked_date: Annotated[date | None, _past("check date")] = None

    @model_validator(mode="after")
    def _rules(self) -> VolunteerIn:
        if not self.name:
            raise UserError("A volunteer needs a name.")
        return self


# A module-level name: inside the class, `date` would be the field's default (None).
OptionalDay = Annotated[date | None, _past("date")]


class GoalEdit(Model):
    text: Text = None
    domain: Annotated[str | None, _code(codes.GOAL_DOMAINS, "goal domain")] = None
    date: OptionalDay = None

    @model_validator(mode="after")
    def _rules(self) -> GoalEdit:
        if "text" in self.model_fields_set and not self.text:
            raise UserError("A goal needs the person's own words: --text cannot be blank.")
        return self
