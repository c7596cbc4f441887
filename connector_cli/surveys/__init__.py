"""Questionnaire instruments as data, scored by one generic scorer.

Stdlib only and lazy: instrument modules and the scorer load on first use, so importing this
package costs nothing at CLI start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from connector_cli.errors import UserError

if TYPE_CHECKING:
    from connector_cli.surveys.scoring import Instrument, Result

INSTRUMENT_IDS = ("ucla3", "swemwbs", "ons4", "wemwbs", "djg6")
DEFAULT_INSTRUMENTS = ("ucla3", "swemwbs", "ons4")

_TYPES = ("Band", "Choice", "DirectQuestion", "Instrument", "Item", "Option", "Result")

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "INSTRUMENT_IDS",
    "band_label",
    "get_instrument",
    "score_answers",
    *_TYPES,
]


def __getattr__(name: str):
    if name in _TYPES:
        return getattr(import_module("connector_cli.surveys.scoring"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument's data; an unknown id is refused with the list of valid ids."""
    if instrument_id not in INSTRUMENT_IDS:
        raise UserError(
            f"Unknown instrument {instrument_id!r}; valid instruments: {', '.join(INSTRUMENT_IDS)}."
        )
    return import_module(f"connector_cli.surveys.{instrument_id}").INSTRUMENT


def score_answers(
    instrument_id: str,
    answers: list[int] | dict[str, int],
    extra: dict[str, str] | None = None,
) -> Result:
    """Score a complete set of answers (a list in item order or a dict keyed by item key)."""
    from connector_cli.surveys.scoring import score

    return score(get_instrument(instrument_id), answers, extra)


def band_label(instrument_id: str, result) -> str:
    """An honest one-line reading of a Result (or its to_dict()) for display."""
    instrument = get_instrument(instrument_id)
    get = result.get if isinstance(result, dict) else lambda name: getattr(result, name)
    if instrument.rule == "separate":
        return _item_bands_label(instrument, get("item_bands") or {})
    band = get("band")
    if band is not None:
        low, high = next((lo, hi) for lo, hi, label in instrument.bands if label == band)
        return f"{band} (score {low}–{high})"
    if instrument.comparator_values:
        means = ", ".join(f"{v} {k}" for k, v in instrument.comparator_values.items())
        return f"no band (no cut point); England adult mean {means}"
    return "no band"


def _item_bands_label(instrument: Instrument, item_bands: dict[str, str]) -> str:
    parts = []
    for item in instrument.items:
        if item.key in item_bands:
            note = " (lower is better)" if item.lower_is_better else ""
            parts.append(f"{item.label.lower()} {item_bands[item.key]}{note}")
    return "; ".join(parts)
