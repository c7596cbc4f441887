"""Instrument data types and the one scorer that serves every instrument.

The instrument modules only declare data (wording, options, rule kind, tables, bands); every
score is computed here so a rule lives in exactly one place and can be audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from connector_cli.errors import UserError

Band = tuple[int, int, str]  # (low, high, label), inclusive on both ends

RULES = ("sum", "sum+table", "separate", "djg")


@dataclass(frozen=True)
class Option:
    label: str
    value: int


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    options: tuple[Option, ...]
    label: str = ""
    lower_is_better: bool = False
    bands: tuple[Band, ...] = ()
    comparator: float | None = None
    subscale: str = ""
    counts: tuple[int, ...] = ()  # djg rule: answer values that score 1

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Choice:
    slug: str
    label: str


@dataclass(frozen=True)
class DirectQuestion:
    """A categorical question asked with an instrument; stored as a slug, never scored."""

    key: str
    text: str
    choices: tuple[Choice, ...]
    optional: bool = True

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(choice.slug for choice in self.choices)

    def label_for(self, slug: str) -> str:
        return next(choice.label for choice in self.choices if choice.slug == slug)


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    name: str
    title: str
    introduction: str
    items: tuple[Item, ...]
    rule: str
    lower_is_better: bool | None  # None: decided per item (ONS4)
    table: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    bands: tuple[Band, ...] = ()
    band_note: str = ""
    notice: str = ""
    comparator: str = ""
    comparator_values: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    score_range: tuple[float, float] | None = None
    meaningful_change: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    most_lonely_from: int | None = None
    direct_question: DirectQuestion | None = None
    optional: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def options(self) -> tuple[Option, ...]:
        """The option set shared by every item, or () when items differ (ONS4 anxiety)."""
        first = self.items[0].options
        return first if all(item.options == first for item in self.items) else ()


@dataclass(frozen=True)
class Result:
    instrument: str
    version: str
    answers: list[int]
    item_scores: dict[str, int]
    score: int | float | None = None
    raw: int | None = None
    band: str | None = None
    most_lonely: bool | None = None
    item_bands: dict[str, str] | None = None
    subscores: dict[str, int] | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "answers": list(self.answers),
            "item_scores": dict(self.item_scores),
            "score": self.score,
            "raw": self.raw,
            "band": self.band,
            "most_lonely": self.most_lonely,
            "item_bands": None if self.item_bands is None else dict(self.item_bands),
            "subscores": None if self.subscores is None else dict(self.subscores),
            "extra": dict(self.extra),
        }


def score(instrument: Instrument, answers, extra: Mapping[str, str] | None = None) -> Result:
    """Validate a complete set of answers and score it; refuse anything partial or out of range."""
    values = _ordered_answers(instrument, answers)
    for item, value in zip(instrument.items, values, strict=True):
        _check_value(instrument, item, value)
    base = {
        "instrument": instrument.id,
        "version": instrument.version,
        "answers": values,
        "extra": _check_extra(instrument, extra),
    }
    return Result(**base, **_RULES[instrument.rule](instrument, values))


def find_band(bands: tuple[Band, ...], value: float) -> str | None:
    return next((label for low, high, label in bands if low <= value <= high), None)


def _sum(instrument: Instrument, values: list[int]) -> dict:
    total = sum(values)
    most = instrument.most_lonely_from
    return {
        "item_scores": dict(zip(instrument.keys, values, strict=True)),
        "score": total,
        "band": find_band(instrument.bands, total),
        "most_lonely": None if most is None else total >= most,
    }


def _sum_table(instrument: Instrument, values: list[int]) -> dict:
    raw = sum(values)
    return {
        "item_scores": dict(zip(instrument.keys, values, strict=True)),
        "score": round(float(instrument.table[raw]), 2),
        "raw": raw,
    }


def _separate(instrument: Instrument, values: list[int]) -> dict:
    # No total on purpose: ONS says the four personal wellbeing items must never be added.
    pairs = zip(instrument.items, values, strict=True)
    return {
        "item_scores": dict(zip(instrument.keys, values, strict=True)),
        "item_bands": {item.key: find_band(item.bands, value) for item, value in pairs},
    }


def _djg(instrument: Instrument, values: list[int]) -> dict:
    item_scores = {
        item.key: int(value in item.counts)
        for item, value in zip(instrument.items, values, strict=True)
    }
    subscores: dict[str, int] = {}
    for item in instrument.items:
        subscores[item.subscale] = subscores.get(item.subscale, 0) + item_scores[item.key]
    return {"item_scores": item_scores, "score": sum(item_scores.values()), "subscores": subscores}


_RULES = {"sum": _sum, "sum+table": _sum_table, "separate": _separate, "djg": _djg}


def _range_text(instrument: Instrument) -> str:
    values = {value for item in instrument.items for value in item.values}
    return f"{min(values)}-{max(values)}"


def _ordered_answers(instrument: Instrument, answers) -> list:
    if isinstance(answers, Mapping):
        return _from_mapping(instrument, answers)
    if not isinstance(answers, list | tuple):
        raise UserError(
            f"{instrument.name} answers must be a list in item order or a mapping of item key "
            f"to answer; got {type(answers).__name__}."
        )
    count = len(instrument.items)
    if len(answers) != count:
        raise UserError(
            f"{instrument.name} needs {count} answers ({_range_text(instrument)} each); "
            f"got {len(answers)}."
        )
    return list(answers)


def _from_mapping(instrument: Instrument, answers: Mapping) -> list:
    keys = instrument.keys
    unknown = [key for key in answers if key not in keys]
    if unknown:
        raise UserError(
            f"{instrument.name} has no item {', '.join(map(repr, unknown))}; "
            f"valid items: {', '.join(keys)}."
        )
    missing = [key for key in keys if key not in answers]
    if missing:
        raise UserError(
            f"{instrument.name} needs all {len(keys)} answers ({_range_text(instrument)} each); "
            f"got {len(answers)}, missing {', '.join(missing)}."
        )
    return [answers[key] for key in keys]


def _check_value(instrument: Instrument, item: Item, value) -> None:
    # bool is an int subclass, but True/False is never a valid questionnaire answer.
    if isinstance(value, int) and not isinstance(value, bool) and value in item.values:
        return
    allowed = f"{min(item.values)}-{max(item.values)}"
    kind = "" if isinstance(value, int) and not isinstance(value, bool) else "a whole number "
    raise UserError(
        f"{instrument.name} answer for '{item.key}' must be {kind}{allowed}; got {value!r}."
    )


def _check_extra(instrument: Instrument, extra: Mapping[str, str] | None) -> dict[str, str]:
    if not extra:
        return {}
    question = instrument.direct_question
    allowed = () if question is None else (question.key,)
    unknown = [key for key in extra if key not in allowed]
    if unknown:
        valid = ", ".join(allowed) or "none"
        raise UserError(
            f"{instrument.name} has no extra question {', '.join(map(repr, unknown))}; "
            f"valid: {valid}."
        )
    slug = extra[question.key]
    if slug is None:  # the direct question was skipped
        return {}
    if slug not in question.slugs:
        raise UserError(
            f"{instrument.name} answer to '{question.text}' must be one of "
            f"{', '.join(question.slugs)}; got {slug!r}."
        )
    return {question.key: slug}
