"""What is due next for an episode: the one engine `caseload`, `show`, `check` and `close` ask.

Pure functions over values already at hand (the settings, the episode's row, its first
support contact and the (instrument, stage) pairs already recorded), so the caseload can
answer for 20,000 episodes from a few set-based queries and `show` for one from a few rows,
and both get the same answer. No SQL, no printing.

The rules (the README explains them under "When each measure is due"):
- a pending referral: decide within `pending_warning_days`;
- accepted, no support contact yet: first contact within `no_contact_warning_days`;
- then baseline measures (at or before the first support contact), the review (weeks 5-7 by
  default); from the last planned week on, closing (with the end measures) comes first: a
  review not taken by then is no longer chased;
- closed: end measures from a week before closure to four weeks after, unless the person
  died, moved away or went into hospital (codes.NO_END_MEASURES); follow-up 10-14 weeks
  after closure (not after a death), collectable until six months after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

STAGE_ORDER = ("baseline", "review", "end", "follow-up")
END_DAYS_BEFORE = 7  # end measures can be taken in the last week of support...
END_DAYS_AFTER = 28  # ...or caught up within four weeks of closing
FOLLOWUP_LATEST_WEEKS = 26  # later than six months after closure is not a follow-up

STAGE_LABELS = {
    "baseline": "baseline measures",
    "review": "week-{review_week} review",
    "end": "end measures",
    "follow-up": "follow-up",
}


@dataclass(frozen=True)
class Due:
    what: str  # decision, first-contact, baseline, review, end, closure, follow-up
    label: str
    status: str  # upcoming, due, overdue
    due_from: str
    due_by: str | None
    instruments: tuple[str, ...] = ()

    def days_late(self, today: date) -> int:
        if self.status != "overdue":
            return 0
        return (today - date.fromisoformat(self.due_by or self.due_from)).days


def status(today: date, first: date, last: date | None) -> str:
    if today < first:
        return "upcoming"
    return "due" if last is None or today <= last else "overdue"


def instruments_in(used: set[str]) -> list[str]:
    """The default set, plus any optional instrument this episode has used."""
    from connector_cli import surveys

    return [*surveys.DEFAULT_INSTRUMENTS] + [
        i for i in surveys.INSTRUMENT_IDS if i in used and i not in surveys.DEFAULT_INSTRUMENTS
    ]


def end_expected(closure_reason: str | None) -> bool:
    """False when the episode closed because the person died, moved away or went into
    hospital: end measures are then not expected (and not counted missing)."""
    from connector_cli.codes import NO_END_MEASURES

    return closure_reason not in NO_END_MEASURES


def review_window(settings: dict[str, int], start: date) -> tuple[date, date]:
    """(first, last) day of the review window: by default weeks 5 to 7 of support, where
    week 1 is the 7 days starting on the first support contact."""
    week, spread = settings["review_week"], settings["review_window_weeks"]
    first = start + timedelta(weeks=week - spread - 1)
    return first, start + timedelta(weeks=week + spread, days=-1)


def followup_window(settings: dict[str, int], closure: date) -> tuple[date, date]:
    """(first, last) day of the follow-up window: by default 10 to 14 whole weeks after closure."""
    week, spread = settings["followup_week"], settings["followup_window_weeks"]
    first = closure + timedelta(weeks=week - spread)
    return first, closure + timedelta(weeks=week + spread + 1, days=-1)


def support_start(episode: dict, first_contact: str | None) -> date:
    """Support starts at the first support contact, else at the acceptance."""
    accepted = date.fromisoformat(episode["status_date"] or episode["referral_date"])
    return date.fromisoformat(first_contact) if first_contact else accepted


def planned_last_week(settings: dict[str, int], start: date) -> date:
    """First day of the last planned week of support."""
    return start + timedelta(weeks=settings["support_weeks"] - 1)


def stage_windows(
    settings: dict[str, int], episode: dict, first_contact: str | None, today: date
) -> dict[str, tuple[date, date | None]]:
    """{stage: (first day, last day or None)} when each stage's measures are due, for an
    accepted episode."""
    if episode["closure_date"] is None:
        accepted = date.fromisoformat(episode["status_date"] or episode["referral_date"])
        contact = date.fromisoformat(first_contact) if first_contact else None
        start = support_start(episode, first_contact)
        last_week = planned_last_week(settings, start)
        windows: dict[str, tuple[date, date | None]] = {"baseline": (min(accepted, start), contact)}
        if today < last_week:  # from the last week on, closing comes first
            windows["review"] = review_window(settings, start)
        windows["end"] = (last_week, None)
        return windows
    closure = date.fromisoformat(episode["closure_date"])
    if episode["closure_reason"] == "died":
        return {}
    windows = {}
    if end_expected(episode["closure_reason"]) and today <= closure + timedelta(
        days=END_DAYS_AFTER
    ):
        windows["end"] = (closure - timedelta(days=END_DAYS_BEFORE), closure)
    if today <= closure + timedelta(weeks=FOLLOWUP_LATEST_WEEKS):
        windows["follow-up"] = followup_window(settings, closure)
    return windows


def due_by_stage(
    settings: dict[str, int],
    episode: dict,
    first_contact: str | None,
    taken: set[tuple[str, str]],
    today: date,
) -> dict[str, Due]:
    """{stage: Due} for the measures still to take at each stage (accepted episodes only)."""
    if episode["status"] != "accepted":
        return {}
    instruments = instruments_in({instrument for instrument, _ in taken})
    found = {}
    for stage, (first, last) in stage_windows(settings, episode, first_contact, today).items():
        missing = tuple(i for i in instruments if (i, stage) not in taken)
        if missing:
            found[stage] = Due(
                what=stage,
                label=STAGE_LABELS[stage].format(review_week=settings["review_week"]),
                status=status(today, first, last),
                due_from=first.isoformat(),
                due_by=last.isoformat() if last else None,
                instruments=missing,
            )
    return found


def _deadline(what: str, label: str, since: str, days: int, today: date) -> Due:
    by = date.fromisoformat(since) + timedelta(days=days)
    return Due(what, label, "overdue" if today > by else "due", since, by.isoformat())


def next_due(
    settings: dict[str, int],
    episode: dict,
    first_contact: str | None,
    taken: set[tuple[str, str]],
    today: date,
) -> Due | None:
    """The next step on the pathway of an open episode (None once closed or decided against):
    decision, first contact, baseline measures, review, then closure with the end measures,
    due in the last week of planned support and overdue after it."""
    if episode["closure_date"] is not None or episode["status"] not in ("pending", "accepted"):
        return None
    if episode["status"] == "pending":
        return _deadline(
            "decision",
            "accept or decline",
            episode["referral_date"],
            settings["pending_warning_days"],
            today,
        )
    if first_contact is None:
        since = episode["status_date"] or episode["referral_date"]
        return _deadline(
            "first-contact", "first contact", since, settings["no_contact_warning_days"], today
        )
    dues = due_by_stage(settings, episode, first_contact, taken, today)
    last_week = planned_last_week(settings, date.fromisoformat(first_contact))
    if today < last_week:
        for stage in ("baseline", "review"):
            if stage in dues:
                return dues[stage]
    last_day = last_week + timedelta(days=6)
    return Due(
        "closure",
        "closure + end measures",
        status(today, last_week, last_day),
        last_week.isoformat(),
        last_day.isoformat(),
        dues["end"].instruments if "end" in dues else (),
    )
