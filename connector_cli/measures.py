"""Questionnaires against an episode: record, skip, remove, trajectories, and what is due when.

Plain functions over the connection; they write inside the caller's transaction
(`with store.write(conn):`) and never print. What is due when lives in
measures_due.py (re-exported here: `due_measures`) and the questions asked at a terminal in
measures_ask.py, which builds on this module (never the other way round).

The rules for when a stage makes sense (README, "What can be recorded when", explains them to users):
- baseline: on a pending or accepted referral, dated on or before the closure if closed;
- review: on an accepted referral, dated on or before the closure if closed;
- end: on an accepted episode, at the final visit before `close` or after it: dated from 7
  days before the closure to 28 days after it (`close` refuses a closure more than 7 days
  after an end measure already taken); after a death only "not collected";
- follow-up: on a closed episode, dated from the start of the follow-up window (10 weeks after
  closure by default) to 26 weeks after closure; not for a person who died.
Every measure is dated on or after the referral and not in the future, and an instrument is
scored at most once per stage (a "not collected" record can later be followed by a score).
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from connector_cli import codes, dates, surveys
from connector_cli.errors import UserError
from connector_cli.measures_due import (  # re-exported: callers import them from here
    END_DAYS_AFTER,
    END_DAYS_BEFORE,
    FOLLOWUP_LATEST_WEEKS,
    STAGE_ORDER,
    due_measures,
    followup_window,
    instruments_in,
    suggested_stage,
)
from connector_cli.store import measures as sql

__all__ = [
    "ADMINISTERED_BY",
    "END_DAYS_AFTER",
    "END_DAYS_BEFORE",
    "FOLLOWUP_LATEST_WEEKS",
    "STAGE_ORDER",
    "check_by",
    "check_can_record",
    "due_measures",
    "episode_measures",
    "followup_window",
    "instruments_in",
    "instruments_to_skip",
    "prepare_measure",
    "prepare_skip",
    "record_measure",
    "remove_measure",
    "rescore",
    "resolve_instrument",
    "skip_measure",
    "suggested_stage",
    "trajectories",
]

ADMINISTERED_BY = ("connector", "volunteer", "self")
ALIASES = {"ucla": "ucla3", "ucla-3": "ucla3", "ons-4": "ons4", "djg": "djg6"}


def resolve_instrument(text: str) -> str:
    """An instrument id from what a person typed (`ucla` is accepted for `ucla3`)."""
    wanted = text.strip().casefold()
    wanted = ALIASES.get(wanted, wanted)
    surveys.get_instrument(wanted)  # refuses an unknown id, listing the valid ones
    return wanted


def check_by(by: str) -> str:
    if by not in ADMINISTERED_BY:
        raise UserError(
            f"Unknown administered-by '{by}'. Valid: {', '.join(ADMINISTERED_BY)} "
            "(self = the person filled in the form themselves)."
        )
    return by


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- When each stage makes sense --------------------------------------------------------------


def _stage_rule(
    conn, episode, stage: str, day: date, closure: date | None, skipping: bool = False
) -> None:
    if stage in ("baseline", "review"):
        if stage == "review" and episode["status"] != "accepted":
            raise UserError(
                f"A review measure needs an accepted referral; this one is {episode['status']}."
            )
        if closure is not None and day > closure:
            raise UserError(
                f"A {stage} measure must be dated on or before the closure ({closure}), not {day}."
            )
        return
    if closure is None:
        _open_episode_rule(episode, stage)
        return
    if episode["closure_reason"] == "died" and not (stage == "end" and skipping):
        raise UserError(
            "This episode closed because the person died: no end or follow-up measures "
            "(`connector measure skip PERSON all --stage end --reason not-appropriate` "
            "records that they were not collected)."
        )
    if stage == "end":
        first = closure - timedelta(days=END_DAYS_BEFORE)
        last = closure + timedelta(days=END_DAYS_AFTER)
        what = "the week before closure to four weeks after"
    else:
        first = followup_window(conn, closure)[0]
        last = closure + timedelta(weeks=FOLLOWUP_LATEST_WEEKS)
        what = "the start of the follow-up window to six months after closure"
    if not first <= day <= last:
        raise UserError(
            f"An {stage} measure for an episode closed on {closure} must be dated from {first} "
            f"to {last} ({what}), not {day}."
        )


def _open_episode_rule(episode, stage: str) -> None:
    """End measures may be taken at the final visit, before `close` (which then refuses a
    closure more than a week after them); a follow-up needs the closure."""
    if stage == "end":
        if episode["status"] != "accepted":
            raise UserError(
                f"An end measure needs an accepted referral; this one is {episode['status']}."
            )
        return
    raise UserError(
        "The episode is not closed, so a follow-up measure makes no sense yet: follow-ups "
        "are taken 10-14 weeks after closure."
    )


def check_can_record(
    conn: sqlite3.Connection,
    episode: sqlite3.Row,
    instrument_id: str,
    stage: str,
    day: date,
    *,
    skipping: bool = False,
    closing_on: date | None = None,
) -> None:
    """Refuse a measure that makes no sense for this episode, stage and date (see module doc)."""
    if episode["status"] in ("declined", "failed"):
        raise UserError(
            f"This referral was {episode['status']}: no measures can be recorded on it."
        )
    if day.isoformat() < episode["referral_date"]:
        raise UserError(
            f"The measure date {day} is before the referral date ({episode['referral_date']})."
        )
    if day > dates.today():
        raise UserError(f"The measure date {day} is in the future.")
    closed = episode["closure_date"]
    closure = closing_on or (date.fromisoformat(closed) if closed else None)
    _stage_rule(conn, episode, stage, day, closure, skipping)
    _check_not_taken(conn, episode["id"], instrument_id, stage, skipping)


def _check_not_taken(conn, episode_id: int, instrument_id: str, stage: str, skipping: bool):
    earlier = sql.taken(conn, episode_id, instrument_id, stage)
    name = surveys.get_instrument(instrument_id).name
    for row in earlier:
        if row["skipped_reason"] is None:
            raise UserError(
                f"{name} {stage} was already recorded on {row['date']} (measure {row['id']}); "
                f"to correct it, remove it first with `connector measure remove {row['id']}`."
            )
    if skipping and earlier:
        raise UserError(
            f"{name} {stage} is already recorded as not collected on {earlier[-1]['date']} "
            f"({earlier[-1]['skipped_reason']})."
        )


# --- Recording ----------------------------------------------------------------------------


def _answer_rows(instrument_id: str, result) -> list[tuple[str, int | None, str | None]]:
    instrument = surveys.get_instrument(instrument_id)
    rows: list[tuple[str, int | None, str | None]] = []
    for item, value in zip(instrument.items, result.answers, strict=True):
        label = next(option.label for option in item.options if option.value == value)
        rows.append((item.key, value, label))
    rows.extend((key, None, slug) for key, slug in result.extra.items())
    return rows


def prepare_measure(
    conn,
    episode,
    instrument_id,
    stage,
    day,
    answers,
    extra=None,
    by="connector",
    *,
    closing_on=None,
):
    """Validate everything now and return a function that saves it (inside a transaction);
    `closing_on` is the closure date while `close` is saving the closure itself."""
    instrument_id = resolve_instrument(instrument_id)
    stage = codes.check(codes.STAGES, stage, "stage")
    day = _day(day)
    check_by(by)
    result = surveys.score_answers(instrument_id, answers, extra)
    check_can_record(conn, episode, instrument_id, stage, day, closing_on=closing_on)
    values = {
        "instrument": instrument_id,
        "version": result.version,
        "stage": stage,
        "date": day.isoformat(),
        "administered_by": by,
        "skipped_reason": None,
        "score": result.score,
        "raw": result.raw,
    }
    rows = _answer_rows(instrument_id, result)
    episode_id = episode["id"]
    return lambda conn: sql.insert_measure(conn, episode_id, values, rows)


def record_measure(
    conn: sqlite3.Connection,
    episode_row: sqlite3.Row,
    instrument_id: str,
    stage: str,
    day: date | str,
    answers: list[int] | dict[str, int],
    extra: dict[str, str | None] | None = None,
    by: str = "connector",
) -> int:
    """Score and store one administration with every item answer; return the measure id.

    Validated (refused with a UserError, nothing written), no printing. Call it inside
    `with store.write(conn):` so the measure and its answers land together.
    """
    save = prepare_measure(conn, episode_row, instrument_id, stage, day, answers, extra, by)
    return save(conn)


def prepare_skip(
    conn, episode, instrument_id, stage, day, reason, by="connector", *, closing_on=None
):
    """As prepare_measure, for a measure not collected (no answers, no score)."""
    instrument_id = resolve_instrument(instrument_id)
    stage = codes.check(codes.STAGES, stage, "stage")
    reason = codes.check(codes.SKIP_REASONS, reason, "reason for not collecting")
    day = _day(day)
    check_by(by)
    check_can_record(conn, episode, instrument_id, stage, day, skipping=True, closing_on=closing_on)
    values = {
        "instrument": instrument_id,
        "version": surveys.get_instrument(instrument_id).version,
        "stage": stage,
        "date": day.isoformat(),
        "administered_by": by,
        "skipped_reason": reason,
        "score": None,
        "raw": None,
    }
    episode_id = episode["id"]
    return lambda conn: sql.insert_measure(conn, episode_id, values, [])


def skip_measure(
    conn: sqlite3.Connection,
    episode_row: sqlite3.Row,
    instrument_id: str,
    stage: str,
    day: date | str,
    reason: str,
    by: str = "connector",
) -> int:
    """Record that a measure was not collected at a stage (it satisfies the stage, no score)."""
    save = prepare_skip(conn, episode_row, instrument_id, stage, day, reason, by)
    return save(conn)


def instruments_to_skip(
    conn: sqlite3.Connection, episode_row: sqlite3.Row, instrument: str, stage: str
) -> list[str]:
    """One instrument, or for `all` every instrument of the episode not yet recorded at stage."""
    if instrument.strip().casefold() != "all":
        return [resolve_instrument(instrument)]
    stage = codes.check(codes.STAGES, stage, "stage")
    measures = episode_measures(conn, episode_row["id"])
    taken = {m["instrument"] for m in measures if m["stage"] == stage}
    left = [i for i in instruments_in({m["instrument"] for m in measures}) if i not in taken]
    if not left:
        raise UserError(f"Every {stage} measure is already recorded for this episode.")
    return left


def remove_measure(conn: sqlite3.Connection, measure_id: int) -> sqlite3.Row:
    """Delete one administration and its answers (to correct a mistake); return what it was."""
    row = sql.measure(conn, measure_id)
    if row is None:
        raise UserError(f"No measure number {measure_id}. See `connector measure list PERSON`.")
    sql.delete_measure(conn, measure_id)
    return row


def rescore(conn: sqlite3.Connection, measure_id: int):
    """Score a stored administration again from its item answers (a surveys Result)."""
    row = sql.measure(conn, measure_id)
    if row is None or row["skipped_reason"] is not None:
        raise UserError(f"Measure {measure_id} has no answers to score.")
    instrument = surveys.get_instrument(row["instrument"])
    stored = {a["item"]: a for a in sql.measure_answers(conn, measure_id)}
    answers = {key: stored[key]["value"] for key in instrument.keys if key in stored}
    extra = {k: a["answer"] for k, a in stored.items() if k not in instrument.keys}
    return surveys.score_answers(row["instrument"], answers, extra or None)


# --- Reading: the episode's measures and their trajectories ----------------------------------


def episode_measures(conn: sqlite3.Connection, episode_id: int) -> list[dict]:
    """Every administration of the episode, oldest first, with its item values and extra
    answers (e.g. {"lonely_direct": "often-always"})."""
    found = [dict(row) for row in sql.episode_measures(conn, episode_id)]
    by_id = {m["id"]: m for m in found}
    for m in found:
        m["items"], m["extra"] = {}, {}
        if m["score"] is not None and surveys.get_instrument(m["instrument"]).rule != "sum+table":
            m["score"] = int(m["score"])  # stored REAL; a sum is a whole number
    for answer in sql.answers_for_episode(conn, episode_id):
        m = by_id[answer["measure_id"]]
        if answer["value"] is None:
            m["extra"][answer["item"]] = answer["answer"]
        else:
            m["items"][answer["item"]] = answer["value"]
    for m in found:  # items in form order, not the order the index returns them
        keys = surveys.get_instrument(m["instrument"]).keys
        m["items"] = {key: m["items"][key] for key in keys if key in m["items"]}
    return found


def _stage_record(measures: list[dict], stage: str) -> dict | None:
    """Baseline: the earliest score; other stages: the latest (as reports count them). A stage
    with no score but a not-collected record shows that record."""
    at_stage = [m for m in measures if m["stage"] == stage]
    scored = [m for m in at_stage if m["skipped_reason"] is None]
    if scored:
        return scored[0] if stage == "baseline" else scored[-1]
    return at_stage[-1] if at_stage else None


def _point(m: dict, value, band: str | None) -> dict:
    point = {"stage": m["stage"], "date": m["date"], "measure_id": m["id"]}
    if m["skipped_reason"] is not None:
        return {**point, "skipped_reason": m["skipped_reason"]}
    return {**point, "score": value, "band": band}


def _change(points: list[dict]):
    scored = {p["stage"]: p["score"] for p in points if "score" in p}
    if "baseline" not in scored or "end" not in scored:
        return None
    return round(scored["end"] - scored["baseline"], 2)


def _lines(instrument_id: str, records: list[dict]) -> list[dict]:
    from connector_cli.surveys.scoring import find_band

    instrument = surveys.get_instrument(instrument_id)
    if instrument.rule != "separate":
        points = []
        for m in records:
            scored = m["score"] is not None and instrument.bands
            point = _point(
                m, m["score"], find_band(instrument.bands, m["score"]) if scored else None
            )
            if m["raw"] is not None:
                point["raw"] = m["raw"]
            if m["extra"]:
                point.update(m["extra"])
            points.append(point)
        return [{"instrument": instrument_id, "item": None, "points": points}]
    lines = []
    for item in instrument.items:
        points = []
        for m in records:
            value = m["items"].get(item.key)
            points.append(_point(m, value, None if value is None else find_band(item.bands, value)))
        lines.append({"instrument": instrument_id, "item": item.key, "points": points})
    return lines


def trajectories(measures: list[dict]) -> list[dict]:
    """One line per instrument (per item for ONS4, never totalled): a point per stage, plus
    change = end - baseline where both were scored."""
    result = []
    for instrument_id in instruments_in({m["instrument"] for m in measures}):
        mine = [m for m in measures if m["instrument"] == instrument_id]
        records = [r for stage in STAGE_ORDER if (r := _stage_record(mine, stage)) is not None]
        if not records:
            continue
        for line in _lines(instrument_id, records):
            line["change"] = _change(line["points"])
            result.append(line)
    return result
