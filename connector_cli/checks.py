"""The data-quality rules behind `connector check`: one small function per rule.

Each rule is registered with `@rule("slug")` and yields (row, problem, fix) for every gap it
finds, where `row` names the person and episode, `problem` says what is missing in plain words
and `fix` is the exact command that mends it: a plain string, or a `Fix` whose hint lists the
values a placeholder in the command can take (on its own line, so the command stays safe to
paste: `--gender female|male` would run with 'female' and pipe into 'male'). A new rule is one
function here and one test.
Rules only read (their SQL is in store/caseload.py) and every problem they report can be fixed
by a command, so a careful connector can always bring `check` to zero. Each rule asks its
question of current work (`ctx.scoped`: the episodes store/caseload.py put in scope) or, for
`check --all`, of the whole history; a new rule's query takes the same `scoped` flag.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from typing import NamedTuple

from connector_cli import codes
from connector_cli.due import END_DAYS_AFTER, FOLLOWUP_LATEST_WEEKS
from connector_cli.store import caseload as sql
from connector_cli.wording import plural


class Problem(NamedTuple):
    """One gap. Immutable like a frozen dataclass, but three times quicker to build and left
    alone by the garbage collector (a tuple of numbers and text): `check` can make tens of
    thousands of them on a large caseload."""

    person_id: int
    name: str
    episode_id: int | None
    rule: str
    problem: str
    fix: str
    hint: str = ""  # the values a placeholder in `fix` can take

    def to_dict(self) -> dict:
        """The JSON shape: no name (scripts get the number; the name stays on screen)."""
        return {
            "person_id": self.person_id,
            "episode_id": self.episode_id,
            "rule": self.rule,
            "problem": self.problem,
            "fix": self.fix,
            "hint": self.hint or None,
        }


class Fix(NamedTuple):
    command: str
    hint: str


def one_of(code_list: tuple[codes.Code, ...]) -> str:
    """`a, b or c`: every slug of a code list, for a hint."""
    slugs = [c.slug for c in code_list]
    return f"{', '.join(slugs[:-1])} or {slugs[-1]}"


@dataclass(frozen=True)
class Context:
    today: date
    settings: dict[str, int]
    current_episode: dict[int, int]  # {person: current episode}, for the people named
    scoped: bool = False  # only the episodes in check_scope (current work), not every one

    def days_ago(self, days: int) -> str:
        return (self.today - timedelta(days=days)).isoformat()

    def episode_flag(self, row) -> str:
        """` --episode N` when the problem is not on the person's current episode."""
        current = self.current_episode.get(row["person_id"], row["episode_id"])
        if row["episode_id"] is None or current == row["episode_id"]:
            return ""
        return f" --episode {row['episode_id']}"


Found = Iterator[tuple[sqlite3.Row, str, str | Fix]]
RULES: list[tuple[str, Callable[[sqlite3.Connection, Context], Found]]] = []


def rule(slug: str):
    def register(fn: Callable[[sqlite3.Connection, Context], Found]):
        RULES.append((slug, fn))
        return fn

    return register


def run_checks(conn: sqlite3.Connection, ctx: Context) -> list[Problem]:
    """Every problem found, grouped by person, then in rule order."""
    found: list[Problem] = []
    for slug, fn in RULES:
        for row, problem, fix in fn(conn, ctx):
            command, hint = fix if type(fix) is Fix else (fix, "")
            found.append(
                Problem(
                    row["person_id"], row["name"], row["episode_id"], slug, problem, command, hint
                )
            )
    found.sort(key=attrgetter("person_id"))  # stable: each person's problems stay in rule order
    return found


# --- The person's details (each has an explicit "not stated") ----------------------------------


@rule("gender-missing")
def gender_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.people_missing(conn, "gender", ctx.scoped):
        yield (
            row,
            "Gender not recorded (not even 'not stated').",
            Fix(
                f"connector person edit {row['person_id']} --gender GENDER",
                f"GENDER: {one_of(codes.GENDERS)}.",
            ),
        )


@rule("age-missing")
def age_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.episodes_missing_age(conn, ctx.scoped):
        yield (
            row,
            "Age not recorded (no date of birth, no age, not even 'not stated').",
            Fix(
                f"connector person edit {row['person_id']}{ctx.episode_flag(row)} --age N",
                "N: age in years at the referral, or not-stated.",
            ),
        )


@rule("ethnicity-missing")
def ethnicity_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.people_missing(conn, "ethnicity", ctx.scoped):
        yield (
            row,
            "Ethnicity not recorded (not even 'Z not stated').",
            Fix(
                f"connector person edit {row['person_id']} --ethnicity CODE",
                "CODE: the NHS ethnic category letter, A to S (Z = not stated).",
            ),
        )


@rule("living-missing")
def living_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.people_missing(conn, "living", ctx.scoped):
        yield (
            row,
            "Living arrangement not recorded (not even 'not stated').",
            Fix(
                f"connector person edit {row['person_id']} --living ARRANGEMENT",
                f"ARRANGEMENT: {one_of(codes.LIVING)}.",
            ),
        )


TRIGGER_HINT = (
    f"GROUP: {one_of(codes.TRIGGERS)}; repeat --trigger for several, or use --no-triggers "
    "if none apply."
)


@rule("triggers-not-asked")
def triggers_not_asked(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.episodes_without_trigger_answer(conn, ctx.scoped):
        yield (
            row,
            "Life events (trigger groups) never asked (not even 'none of these').",
            Fix(
                f"connector referral edit {row['person_id']}{ctx.episode_flag(row)} --trigger GROUP",
                TRIGGER_HINT,
            ),
        )


# --- Support -----------------------------------------------------------------------------------


@rule("no-support-contact")
def no_support_contact(conn: sqlite3.Connection, ctx: Context) -> Found:
    days = ctx.settings["no_contact_check_days"]
    for row in sql.accepted_without_contact(conn, ctx.days_ago(days)):
        waited = (ctx.today - date.fromisoformat(row["status_date"])).days
        yield (
            row,
            f"Accepted on {row['status_date']} ({plural(waited, 'day')} ago) with no support "
            "contact yet.",
            Fix(
                f"connector visit log {row['person_id']} --kind KIND --minutes N",
                f"KIND: {one_of(SUPPORT_KINDS)}; N: whole minutes.",
            ),
        )


# --- Measures ----------------------------------------------------------------------------------

# Without answers on the command line, each of these asks the questions one by one.
SCORE_COMMANDS = {"ucla3": "ucla score", "swemwbs": "swemwbs score", "ons4": "ons4 score"}
SUPPORT_KINDS = tuple(c for c in codes.CONTACT_KINDS if c.slug in codes.SUPPORT_KINDS)
SKIP_HINT = f"REASON: {one_of(codes.SKIP_REASONS)}."


def measure_fix(row, ctx: Context, instrument: str, stage: str, *, now: bool, on: str) -> str | Fix:
    """Ask it now when it can still be asked; otherwise record why it was not collected,
    dated `on` (the last day the stage can be recorded for this episode)."""
    person, episode = row["person_id"], ctx.episode_flag(row)
    if not now:
        return Fix(
            f"connector measure skip {person} {instrument} --stage {stage} --reason REASON "
            f"--date {on}{episode}",
            SKIP_HINT,
        )
    score = SCORE_COMMANDS.get(instrument, f"survey take {instrument}")
    return f"connector {score} --person {person} --stage {stage}{episode}"


def instrument_name(instrument: str) -> str:
    from connector_cli import surveys

    return surveys.get_instrument(instrument).name


@rule("baseline-ucla-missing")
def baseline_ucla_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.baseline_ucla_missing(conn, ctx.today.isoformat(), ctx.scoped):
        closed = row["closure_date"]
        yield (
            row,
            f"Baseline UCLA loneliness missing (first support contact {row['first_contact']}).",
            measure_fix(row, ctx, "ucla3", "baseline", now=closed is None, on=closed),
        )


# Skip reasons a commissioner would question at baseline: it is taken at the first meeting, so
# "could not contact" contradicts the meeting, and a "declined" can often be asked again later.
# "not-appropriate" (e.g. in crisis, lacks capacity) is accepted. Either way the episode has no
# baseline score, so its outcome is unknown and it counts against outcome coverage.
QUESTIONED_BASELINE_SKIPS = ("declined", "could-not-contact")


@rule("baseline-ucla-not-collected")
def baseline_ucla_not_collected(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.baseline_ucla_skipped(conn, QUESTIONED_BASELINE_SKIPS, ctx.scoped):
        reason = codes.label(codes.SKIP_REASONS, row["skipped_reason"]).lower()
        problem = f"Baseline UCLA not collected ({reason}, {row['date']})"
        if row["closure_date"] is None:
            yield (
                row,
                f"{problem}: ask again, a score can still follow.",
                measure_fix(row, ctx, "ucla3", "baseline", now=True, on=""),
            )
        else:
            yield (
                row,
                f"{problem}; closed {row['closure_date']} with no baseline score: its outcome "
                "is unknown.",
                Fix(
                    f"connector measure remove {row['measure_id']} --yes",
                    "Only if the reason was recorded wrongly; then record the right one with "
                    "connector measure skip.",
                ),
            )


@rule("end-measures-missing")
def end_measures_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.end_measures_missing(conn, ctx.today.isoformat(), ctx.scoped):
        closed = date.fromisoformat(row["closure_date"])
        can_ask = ctx.today <= closed + timedelta(days=END_DAYS_AFTER)
        yield (
            row,
            f"End {instrument_name(row['instrument'])} missing (closed {row['closure_date']}).",
            measure_fix(row, ctx, row["instrument"], "end", now=can_ask, on=row["closure_date"]),
        )


@rule("follow-up-overdue")
def follow_up_overdue(conn: sqlite3.Connection, ctx: Context) -> Found:
    from connector_cli.due import followup_window

    # the window's last day is a fixed number of days after the closure
    after = followup_window(ctx.settings, ctx.today)[1] - ctx.today
    last_chance = timedelta(weeks=FOLLOWUP_LATEST_WEEKS)
    by_closure: dict[str, tuple[str, bool, str]] = {}  # many episodes close on the same day
    for row in sql.follow_up_ucla_missing(conn, (ctx.today - after).isoformat(), ctx.scoped):
        closure = row["closure_date"]
        if closure not in by_closure:
            closed = date.fromisoformat(closure)
            latest = closed + last_chance
            by_closure[closure] = (
                (closed + after).isoformat(),
                ctx.today <= latest,
                latest.isoformat(),
            )
        due_by, can_take, latest_day = by_closure[closure]
        yield (
            row,
            f"Follow-up UCLA loneliness overdue (closed {closure}, due by {due_by}).",
            measure_fix(row, ctx, "ucla3", "follow-up", now=can_take, on=latest_day),
        )


# --- Contacts --------------------------------------------------------------------------------


@rule("contact-minutes-missing")
def contact_minutes_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.contacts_without_minutes(conn, ctx.scoped):
        yield (
            row,
            f"{row['kind'].capitalize()} contact {row['contact_id']} on {row['date']} has no minutes.",
            f"connector visit edit {row['contact_id']} --minutes N",
        )


@rule("contact-location-missing")
def contact_location_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.contacts_without_location(conn, ctx.scoped):
        yield (
            row,
            f"Face-to-face contact {row['contact_id']} on {row['date']} has no location.",
            Fix(
                f"connector visit edit {row['contact_id']} --location PLACE",
                f"PLACE: {one_of(codes.LOCATIONS)}.",
            ),
        )


@rule("contact-after-closure")
def contact_after_closure(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.contacts_after_closure(conn, ctx.scoped):
        yield (
            row,
            f"{row['kind'].capitalize()} contact {row['contact_id']} on {row['date']} is dated "
            f"after the episode closed ({row['closure_date']}).",
            f"connector visit edit {row['contact_id']} --after-closure",
        )


# --- Goals and signposts -----------------------------------------------------------------------


@rule("no-goals")
def no_goals(conn: sqlite3.Connection, ctx: Context) -> Found:
    by_week = ctx.settings["goals_by_week"]
    for row in sql.open_without_goals(conn, ctx.today.isoformat(), by_week):
        yield (
            row,
            f"No goals set by week {by_week} (now week {row['days_in'] // 7 + 1}).",
            Fix(
                f'connector goal add {row["person_id"]} "GOAL IN THEIR WORDS" --domain DOMAIN',
                f"DOMAIN: {one_of(codes.GOAL_DOMAINS)}.",
            ),
        )


@rule("goal-not-reviewed")
def goal_not_reviewed(conn: sqlite3.Connection, ctx: Context) -> Found:
    by_week = ctx.settings["goals_reviewed_by_week"]
    for row in sql.goals_never_reviewed(conn, ctx.today.isoformat(), by_week, ctx.scoped):
        when = "reached" if row["closure_date"] else "now"
        yield (
            row,
            f"Goal {row['number']} not reviewed by week {by_week} ({when} week {row['days_in'] // 7 + 1}).",
            Fix(
                f"connector goal review {row['person_id']} {row['number']}"
                f"{ctx.episode_flag(row)} --progress LEVEL",
                f"LEVEL: {one_of(codes.GOAL_PROGRESS)}.",
            ),
        )


@rule("signpost-outcome-missing")
def signpost_outcome_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    weeks = ctx.settings["signpost_outcome_weeks"]
    for row in sql.signposts_without_outcome(conn, ctx.days_ago(7 * weeks), ctx.scoped):
        yield (
            row,
            f"Signpost {row['signpost_id']} ({row['to_text']}, {row['date']}) has no outcome "
            f"after {plural(weeks, 'week')}.",
            Fix(
                f"connector signpost outcome {row['signpost_id']} OUTCOME",
                f"OUTCOME: {one_of(codes.SIGNPOST_OUTCOMES)}.",
            ),
        )


# --- Closure -----------------------------------------------------------------------------------


@rule("closure-detail-missing")
def closure_detail_missing(conn: sqlite3.Connection, ctx: Context) -> Found:
    for row in sql.other_closures_without_detail(conn, ctx.scoped):
        yield (
            row,
            f"Closed on {row['closure_date']} as 'other' with no explanation.",
            f'connector referral edit {row["person_id"]}{ctx.episode_flag(row)} --closure-detail "TEXT"',
        )
