"""Disclosure control: which figures may be shown, applied once to everything a report shows.

reporting.md defines three kinds of figure, each protected as it needs (threshold k, default 5,
2-20; k = 0 turns control off):

- **Activity** (what the service did: referral status counts, contacts, minutes, people
  supported, closures and their medians, signposts, goals, completeness): always exact.
- **Characteristic** (who the people are: referral sources and their group totals,
  demographics, trigger groups' referral counts, closure reasons, gaps by area): a count from 1
  to k-1 is `*`, 0 stays 0, with secondary suppression (below).
- **Outcome** (how scores changed: the summary UCLA, SWEMWBS, ONS4 and follow-up rows, the UCLA
  bands, each trigger group's outcome columns): each group is shown whole with its n when
  n >= k; otherwise every figure of the group, n included, is `*`. A group whose cohort is empty
  (no episode closed in the period) shows its n of 0: nothing is hidden there.

Characteristic and outcome figures are published for standard periods only (quarters and
years); a --from/--to span publishes activity figures alone (`left_out` says what and why),
since two spans a day apart would otherwise give one person's details by subtraction.

The method is linked cell suppression over the period hierarchy (as in tau-ARGUS's linked
tables), built so that every period's figures depend only on that period's records:
1. A quarter is protected on its own. Primary: 1..k-1 is hidden. Secondary, per *family* (the
   cells of one published equation: the source rows, each demographic dimension and each
   closure group add up to an exact activity total; trigger groups are bounded by it): a family
   never has exactly one hidden cell. The partner is the smallest other non-zero cell, or a zero
   one when there is none (a published zero is a published value: issue 19.2). Source rows also
   span two source groups when any is hidden, and a source group's total is hidden when any of
   its rows is. A family of one cell (`planned` closures) equals a published activity total and
   is never hidden.
2. A year (calendar or financial) hides exactly the cells hidden in any of its four quarters:
   no more, since a cell the quarters show adds up to a known year value; no fewer, since a
   year value minus the shown quarters would give the hidden quarter. Calendar and financial
   quarters are the same dates, so they are protected alike.
Why nothing hidden can be pinned: every hidden quarter cell has a hidden partner in its own
family and quarter; moving one unit from one to the other (and the same in both years that hold
the quarter, whose cells are hidden too) keeps every published sum, every zero and every
non-negative count as it is, so at least two values fit everything published.
`tests/test_disclosure_solver.py` checks this with an integer solver over every standard period
of several years of casework. `episodes.csv` (record level, on request) is never suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from connector_cli.models_reports import Figures, Published
from connector_cli.report_metrics import METRICS, OUTCOME_GROUPS, outcome_n

SUPPRESSED = "*"
DEFAULT_K = 5
MIN_K, MAX_K = 2, 20

Key = tuple[str, str, str]  # (table, row id, column)

ROW_ID = {
    "referral_sources": lambda r: r["source"],
    "source_groups": lambda r: r["group"],
    "trigger_groups": lambda r: r["group"],
    "signposts": lambda r: f"{r['group']}/{r['category']}",
    "signpost_groups": lambda r: r["group"],
    "closures": lambda r: r["reason"],
    "demographics": lambda r: f"{r['dimension']}/{r['category']}",
    "gaps": lambda r: f"{r['category']}|{r['area']}|{r['reason']}",
    "ucla_bands": lambda r: r["stage"],
    "contact_locations": lambda r: r["location"],
    "goal_domains": lambda r: r["domain"],
    "signpost_outcomes": lambda r: r["outcome"],
    "choice_reasons": lambda r: r["sub_reason"],
}
COUNT_COLUMNS = {
    "trigger_groups": ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely"),
    "ucla_bands": ("lonely", "not_lonely"),
}
TRIGGER_OUTCOMES = ("ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
ACTIVITY_TABLES = (
    "signposts",
    "signpost_groups",
    "contact_locations",
    "goal_domains",
    "signpost_outcomes",
)
CHARACTERISTIC_TABLES = (
    "referral_sources",
    "source_groups",
    "trigger_groups",
    "closures",
    "choice_reasons",
    "demographics",
    "gaps",
)
LEFT_OUT_REASON = (
    "Characteristic and outcome figures are published for quarters and years only: two "
    "--from/--to periods a day apart would give one person's details by subtraction."
)


def metric_key(name: str) -> Key:
    return ("summary", name, "value")


@dataclass(frozen=True)
class Family:
    """Cells tied by one published equation (their sum is an exact activity total, or for
    trigger groups bounded by one); `groups` names each cell's source group, where a second
    level of totals is published."""

    cells: tuple[Key, ...]
    groups: dict[Key, str] = field(default_factory=dict)


# --- The figures as cells ----------------------------------------------------------------------


def values_of(figures: Figures) -> dict[Key, int | float | None]:
    """Every published cell's true value, summary metrics and breakdown counts alike."""
    values: dict[Key, int | float | None] = {
        metric_key(name): figure.value for name, figure in figures.metrics.items()
    }
    for table, rows in figures.breakdowns.items():
        for row in rows:
            for column in COUNT_COLUMNS.get(table, ("count",)):
                values[(table, ROW_ID[table](row), column)] = row[column]
    return values


def _rows(figures: Figures, table: str, by: str) -> dict[str, list[Key]]:
    grouped: dict[str, list[Key]] = {}
    for row in figures.breakdowns.get(table, []):
        grouped.setdefault(row[by], []).append((table, ROW_ID[table](row), "count"))
    return grouped


def families(figures: Figures) -> list[Family]:
    """The characteristic families of one period (see the module docstring)."""
    sources = [
        ((("referral_sources", r["source"], "count")), r["group"])
        for r in figures.breakdowns.get("referral_sources", [])
    ]
    result = [Family(tuple(k for k, _ in sources), dict(sources))]
    result += [Family(tuple(keys)) for keys in _rows(figures, "demographics", "dimension").values()]
    result += [Family(tuple(keys)) for keys in _rows(figures, "closures", "group").values()]
    triggers = figures.breakdowns.get("trigger_groups", [])
    result.append(Family(tuple(("trigger_groups", r["group"], "referrals") for r in triggers)))
    choices = figures.breakdowns.get("choice_reasons", [])  # adds up to closures' `choice` row
    result.append(
        Family(tuple(("choice_reasons", ROW_ID["choice_reasons"](r), "count") for r in choices))
    )
    return result


def _hide_choice_reasons(figures: Figures, hidden: set[Key]) -> None:
    """The sub-reasons add up to the `choice` closures row: when that row is hidden, so are they
    all (their sum would give it away); when any of them is hidden, so is the row's family."""
    keys = [
        ("choice_reasons", ROW_ID["choice_reasons"](r), "count")
        for r in figures.breakdowns.get("choice_reasons", [])
    ]
    if ("closures", "choice", "count") in hidden:
        hidden.update(keys)


def outcome_groups(figures: Figures) -> Iterator[tuple[Key, list[Key]]]:
    """(n cell, every cell of the group) for each outcome group of one period."""
    for _, n_name in OUTCOME_GROUPS:
        members = [metric_key(m.name) for m in METRICS if outcome_n(m.name) == n_name]
        if n_name == "ucla_paired_n":
            members += [
                ("ucla_bands", stage, c)
                for stage in ("baseline", "end")
                for c in COUNT_COLUMNS["ucla_bands"]
            ]
        yield metric_key(n_name), members
    for row in figures.breakdowns.get("trigger_groups", []):
        keys = [("trigger_groups", row["group"], c) for c in TRIGGER_OUTCOMES]
        yield keys[0], keys


# --- Protecting one quarter --------------------------------------------------------------------


def _partner(family: Family, hidden: set[Key], values: dict, avoid_group: str | None) -> Key | None:
    """The smallest non-zero shown cell of the family (outside `avoid_group`), else a zero."""
    shown = [
        key
        for key in family.cells
        if key not in hidden and (avoid_group is None or family.groups[key] != avoid_group)
    ]
    positive = [key for key in shown if values[key]]
    if positive:
        return min(positive, key=lambda key: values[key])
    return shown[0] if shown else None


def _protect_family(family: Family, hidden: set[Key], values: dict, k: int) -> None:
    if len(family.cells) < 2:
        return  # equals a published activity total: hiding it would hide nothing
    for key in family.cells:
        if 0 < (values[key] or 0) < k:
            hidden.add(key)
    mine = [key for key in family.cells if key in hidden]
    if len(mine) == 1 and (partner := _partner(family, hidden, values, None)):
        hidden.add(partner)
        mine.append(partner)
    if family.groups and mine and len({family.groups[key] for key in mine}) == 1:
        partner = _partner(family, hidden, values, family.groups[mine[0]])
        if partner:
            hidden.add(partner)


def quarter_hidden(figures: Figures, k: int) -> set[Key]:
    """The cells a single period hides on its own (rules 1 of the module docstring)."""
    values = values_of(figures)
    hidden: set[Key] = set()
    for family in families(figures):
        _protect_family(family, hidden, values, k)
    for row in figures.breakdowns.get("gaps", []):
        key = ("gaps", ROW_ID["gaps"](row), "count")
        if 0 < row["count"] < k:
            hidden.add(key)
    _hide_source_groups(figures, hidden)
    _hide_choice_reasons(figures, hidden)
    closed = figures.metrics["episodes_closed"].value or 0
    for n_key, members in outcome_groups(figures):
        n = values[n_key] or 0
        if outcome_hidden(n, k, cohort=n if n_key[1].startswith("followup_") else closed):
            hidden.update(members)
    return hidden


def outcome_hidden(n: int, k: int, *, cohort: int) -> bool:
    """Whether one quarter's outcome group of n people is hidden: when n < k, unless its
    cohort (episodes closed in the period) is empty, so that n = 0 is no news. A year's group is
    hidden when this holds for any of its four quarters (`linked_hidden`)."""
    return 0 < k and n < k and (n > 0 or cohort > 0)


def _hide_source_groups(figures: Figures, hidden: set[Key]) -> None:
    for group, keys in _rows(figures, "referral_sources", "group").items():
        if any(key in hidden for key in keys):
            hidden.add(("source_groups", group, "count"))


def linked_hidden(figures: Figures, quarters: Iterable[Figures], k: int) -> set[Key]:
    """A year hides what any of its quarters hides (rule 2), and an outcome group whose own n
    is below k (which cannot happen when every quarter showed its group)."""
    keys = set(values_of(figures))
    hidden: set[Key] = set()
    for quarter in quarters:
        hidden |= quarter_hidden(quarter, k) & keys
    _hide_source_groups(figures, hidden)
    _hide_choice_reasons(figures, hidden)
    values = values_of(figures)
    for n_key, members in outcome_groups(figures):
        if members[0] in hidden or n_key in hidden or 0 < (values[n_key] or 0) < k:
            hidden.update(members)
    return hidden


# --- Publishing --------------------------------------------------------------------------------


def round_half_up(value: Decimal | int, places: int) -> float:
    """Round an exact value (stats.py made it) half away from zero; a float is refused."""
    from connector_cli.stats import rounded

    return float(rounded(value, places))


def _shown(kind: str, value, hidden: bool) -> int | float | str | None:
    if hidden:
        return SUPPRESSED
    if value is None:
        return None
    if kind == "stat":
        return round_half_up(value, 2)
    if kind == "pct":
        return round_half_up(value, 1)
    return int(value)


def activity_only(figures: Figures) -> tuple[dict, dict, list[str]]:
    """The metrics and tables a --from/--to span may publish, and the names left out."""
    metrics = {m.name: m for m in METRICS if outcome_n(m.name) is None}
    tables = [t for t in figures.breakdowns if t in ACTIVITY_TABLES]
    left_out = [m.name for m in METRICS if m.name not in metrics]
    left_out += [t for t in figures.breakdowns if t not in tables]
    return metrics, {t: figures.breakdowns[t] for t in tables}, left_out


def publish(
    figures: Figures,
    k: int = DEFAULT_K,
    *,
    standard: bool = True,
    quarters: Iterable[Figures] | None = None,
) -> Published:
    """Apply disclosure control with threshold k. A year passes the figures of its quarters
    (`quarters`), so that it hides what they hide; a --from/--to span passes standard=False."""
    left_out: list[str] = []
    definitions = {m.name: m for m in METRICS}
    breakdowns_in = figures.breakdowns
    if k <= 0:
        hidden: set[Key] = set()
    elif not standard:
        definitions, breakdowns_in, left_out = activity_only(figures)
        hidden = set()
    elif quarters:
        hidden = linked_hidden(figures, quarters, k)
    else:
        hidden = quarter_hidden(figures, k)
    metrics = {
        name: _shown(d.kind, figures.metrics[name].value, metric_key(name) in hidden)
        for name, d in definitions.items()
    }
    breakdowns = {}
    for table, rows in breakdowns_in.items():
        shown_rows = []
        for row in rows:
            shown = dict(row)
            for column in COUNT_COLUMNS.get(table, ("count",)):
                key = (table, ROW_ID[table](row), column)
                shown[column] = _shown("count", row[column], key in hidden)
            shown_rows.append(shown)
        breakdowns[table] = shown_rows
    counts = {table: 0 for table in ("summary", *breakdowns)}
    for table, _, _ in hidden:
        if table in counts:
            counts[table] += 1
    outcomes = _outcomes(figures, k, standard, quarters)
    if outcomes is not None:  # each hidden row hides four cells: n, value, ci_low, ci_high
        counts["outcomes"] = 4 * sum(row["n"] == SUPPRESSED for row in outcomes)
    elif figures.outcomes is not None and not standard:
        left_out.append("outcomes")
    from connector_cli.outcomes import warnings

    return Published(
        period=figures.period,
        suppress_below=k,
        metrics=metrics,
        breakdowns=breakdowns,
        suppressed=counts,
        standard=standard,
        left_out=left_out,
        outcomes=outcomes,
        outcome_warnings=warnings(outcomes) if outcomes else [],
    )


def _outcomes(figures: Figures, k: int, standard: bool, quarters) -> list[dict] | None:
    """outcomes.csv's rows (outcomes.py: a row of fewer than k people is hidden whole), for a
    standard period only. A year also hides every row one of its quarters hides, or the year
    minus its shown quarters would give the hidden quarter's figures."""
    if figures.outcomes is None or not standard:
        return None
    from connector_cli.outcomes import publish_outcomes

    also: set[tuple[str, str]] = set()
    if k > 0:
        for quarter in quarters or ():
            for row in quarter.outcomes or ():
                if row.n < k:
                    also.add((row.measure, row.group))
    return publish_outcomes(figures.outcomes, k, also_hidden=also)
