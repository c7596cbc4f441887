"""Disclosure control: which figures may be shown, applied once to everything a report shows.

Rules (reporting.md), with threshold k (default 5; k = 0 turns control off):
1. Primary: a count from 1 to k-1 is shown as `*`; 0 stays 0.
2. A mean, median or SD computed from 1 to k-1 values is `*` (from no values it is undefined:
   shown empty, not `*`, since nothing is hidden).
3. Cohort rule: any figure whose cohort count is hidden is `*` too, whatever its value (even 0).
   Each summary metric names its cohort in `report_metrics.METRICS` (e.g. `ucla_mean_change` and
   `ucla_improved` follow `ucla_paired_n`; `data_completeness_pct` and the `closed_median_*`
   follow `episodes_closed`). In trigger_groups.csv, a row's `ucla_improved` and
   `ucla_became_not_lonely` follow that row's `ucla_paired_n`.
4. Secondary: a *group* is a set of cells tied by one published equation (parts + total). If
   exactly one cell of a group (its total included) is hidden, the others and the total would
   reveal it, so the smallest other non-zero visible part is hidden too (ties: the first in
   file order; if no part qualifies, the total). Repeated, with rule 3, until nothing changes.

The groups, file by file (`GROUPS` builds them):
- referral_sources.csv: the source rows of one source group (e.g. the five `nhs-*` rows) —
  their total is the group's count shown by `connector report` (source_groups) — and the source
  groups together, whose total is `referrals_received` in summary.csv. The `not-recorded` row
  (no source given) belongs to group `unknown`.
- signposts.csv: the category rows of one signpost group (total: the group's count shown by
  the report, signpost_groups), and the groups together (total: `signposts_total`).
- closures.csv: the reason rows of one closure group (total: `closed_planned`, `closed_early`
  or `closed_other` in summary.csv).
- demographics.csv: the rows of one dimension (age_band, gender, ethnicity, living), each adding
  up to `referrals_received`.
- trigger_groups.csv: no groups. An episode can be in several trigger groups, so the rows
  overlap and no published total equals a sum of cells; only rules 1-3 apply.
- gaps.csv: no groups: no total of gaps is published anywhere; only rule 1 applies.
- summary.csv: its four additive families are treated as groups too, because a hidden cell
  there is otherwise one subtraction away: referrals by status (total `referrals_received`),
  closed by group (`episodes_closed`), contacts by kind (`contacts_total`), and UCLA improved/
  no change/worse (`ucla_paired_n`).
- report only (ucla_bands): lonely/not lonely at baseline and at end each add up to
  `ucla_paired_n`; baseline lonely is `ucla_lonely_at_baseline`; and
  end lonely = baseline lonely - became not lonely + became lonely.
`episodes.csv` (record level) is never suppressed. The number of hidden cells per file goes in
the manifest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from connector_cli.models_reports import Figures, Published
from connector_cli.report_metrics import METRICS

SUPPRESSED = "*"
DEFAULT_K = 5

Key = tuple[str, str, str]  # (table, row id, column)

# Columns of each breakdown table that hold counts, and how a row is named.
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
SUMMARY_FAMILIES = (
    ("referrals_received", ("accepted", "declined", "failed", "pending"), "referrals_"),
    ("episodes_closed", ("planned", "early", "other"), "closed_"),
    ("contacts_total", ("face_to_face", "telephone", "video", "message"), "contacts_"),
    ("ucla_paired_n", ("improved", "no_change", "worse"), "ucla_"),
    ("episodes_closed", ("face_to_face_only", "remote_only", "both_ways", "no_contact"), "closed_"),
)
# Breakdown files whose rows add up to one published figure: (table, total).
TOTALLED = (
    ("contact_locations", ("summary", "contacts_face_to_face", "value")),
    ("goal_domains", ("summary", "goals_set", "value")),
    ("choice_reasons", ("closures", "choice", "count")),
)


def metric_key(name: str) -> Key:
    return ("summary", name, "value")


@dataclass
class Cell:
    value: int | float | None
    kind: str = "count"  # count | stat | sum | pct
    n: int | None = None
    cohort: Key | None = None


@dataclass(frozen=True)
class Group:
    parts: tuple[Key, ...]
    total: Key | None = None


@dataclass
class Disclosure:
    """Cells, groups and the hidden set; `apply` runs the rules to a fixed point."""

    k: int
    cells: dict[Key, Cell] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)

    def primary(self) -> None:
        if self.k <= 0:
            return
        for key, cell in self.cells.items():
            if cell.kind == "count" and cell.value and 0 < cell.value < self.k:
                self.hidden.add(key)
            if cell.kind == "stat" and cell.n and 0 < cell.n < self.k:
                self.hidden.add(key)

    def cohort_pass(self) -> bool:
        changed = False
        for key, cell in self.cells.items():
            if key not in self.hidden and cell.cohort in self.hidden:
                self.hidden.add(key)
                changed = True
        return changed

    def secondary_pass(self) -> bool:
        changed = False
        for group in self.groups:
            members = [*group.parts, *([group.total] if group.total else [])]
            if sum(key in self.hidden for key in members) != 1:
                continue
            visible = [key for key in group.parts if key not in self.hidden and self._positive(key)]
            if not visible and group.total and group.total not in self.hidden:
                visible = [group.total] if self._positive(group.total) else []
            if visible:
                self.hidden.add(min(visible, key=lambda key: self.cells[key].value))
                changed = True
        return changed

    def _positive(self, key: Key) -> bool:
        value = self.cells[key].value
        return bool(value) and value > 0

    def apply(self) -> set[Key]:
        if self.k <= 0:
            return self.hidden
        self.primary()
        while self.cohort_pass() | self.secondary_pass():
            pass
        return self.hidden


# --- Building the cells and groups from the figures --------------------------------------------


def _cells(figures: Figures) -> dict[Key, Cell]:
    cells: dict[Key, Cell] = {}
    for definition in METRICS:
        figure = figures.metrics[definition.name]
        cohort = metric_key(definition.cohort) if definition.cohort else None
        cells[metric_key(definition.name)] = Cell(figure.value, definition.kind, figure.n, cohort)
    for table, rows in figures.breakdowns.items():
        for row in rows:
            row_id = ROW_ID[table](row)
            for column in COUNT_COLUMNS.get(table, ("count",)):
                cohort = None
                if table == "trigger_groups" and column in (
                    "ucla_improved",
                    "ucla_became_not_lonely",
                ):
                    cohort = (table, row_id, "ucla_paired_n")
                if table == "ucla_bands":
                    cohort = metric_key("ucla_paired_n")
                cells[(table, row_id, column)] = Cell(row[column], cohort=cohort)
    return cells


def _rows_by(figures: Figures, table: str, group_column: str) -> dict[str, list[Key]]:
    grouped: dict[str, list[Key]] = {}
    for row in figures.breakdowns[table]:
        grouped.setdefault(row[group_column], []).append((table, ROW_ID[table](row), "count"))
    return grouped


def _two_level(figures: Figures, rows: str, totals: str, grand_total: str) -> Iterator[Group]:
    for group, parts in _rows_by(figures, rows, "group").items():
        yield Group(tuple(parts), (totals, group, "count"))
    tops = tuple((totals, row["group"], "count") for row in figures.breakdowns[totals])
    yield Group(tops, metric_key(grand_total))


def groups_for(figures: Figures) -> list[Group]:
    """Every secondary-suppression group (see the module docstring)."""
    result: list[Group] = []
    for total, parts, prefix in SUMMARY_FAMILIES:
        result.append(Group(tuple(metric_key(prefix + p) for p in parts), metric_key(total)))
    result += _two_level(figures, "referral_sources", "source_groups", "referrals_received")
    result += _two_level(figures, "signposts", "signpost_groups", "signposts_total")
    for group, parts in _rows_by(figures, "closures", "group").items():
        result.append(Group(tuple(parts), metric_key(f"closed_{group}")))
    for table, total in TOTALLED:
        parts = tuple((table, ROW_ID[table](row), "count") for row in figures.breakdowns[table])
        result.append(Group(parts, total))
    for parts in _rows_by(figures, "demographics", "dimension").values():
        result.append(Group(tuple(parts), metric_key("referrals_received")))
    bands = {
        stage: {c: ("ucla_bands", stage, c) for c in ("lonely", "not_lonely")}
        for stage in ("baseline", "end")
    }
    for stage in ("baseline", "end"):
        result.append(
            Group((bands[stage]["lonely"], bands[stage]["not_lonely"]), metric_key("ucla_paired_n"))
        )
    result.append(Group((bands["baseline"]["lonely"], metric_key("ucla_lonely_at_baseline"))))
    result.append(
        Group(
            (
                bands["end"]["lonely"],
                metric_key("ucla_became_not_lonely"),
                bands["baseline"]["lonely"],
                metric_key("ucla_became_lonely"),
            )
        )
    )
    return result


# --- Publishing --------------------------------------------------------------------------------


def round_half_up(value: Decimal | int, places: int) -> float:
    """Round an exact value (stats.py made it) half away from zero; a float is refused."""
    from connector_cli.stats import rounded

    return float(rounded(value, places))


def _shown(cell: Cell, hidden: bool) -> int | float | str | None:
    if hidden:
        return SUPPRESSED
    if cell.value is None:
        return None
    if cell.kind == "stat":
        return round_half_up(cell.value, 2)
    if cell.kind == "pct":
        return round_half_up(cell.value, 1)
    return int(cell.value)


def publish(figures: Figures, k: int = DEFAULT_K) -> Published:
    """Apply disclosure control with threshold k to the figures."""
    disclosure = Disclosure(k=k, cells=_cells(figures), groups=groups_for(figures))
    hidden = disclosure.apply()
    cells = disclosure.cells
    metrics = {
        m.name: _shown(cells[metric_key(m.name)], metric_key(m.name) in hidden) for m in METRICS
    }
    breakdowns = {}
    for table, rows in figures.breakdowns.items():
        shown_rows = []
        for row in rows:
            row_id = ROW_ID[table](row)
            shown = dict(row)
            for column in COUNT_COLUMNS.get(table, ("count",)):
                key = (table, row_id, column)
                shown[column] = _shown(cells[key], key in hidden)
            shown_rows.append(shown)
        breakdowns[table] = shown_rows
    counts = {table: 0 for table in ("summary", *figures.breakdowns)}
    for table, _, _ in hidden:
        counts[table] += 1
    outcomes = None
    if figures.outcomes is not None:  # outcome rows carry their own rule (outcomes.py)
        from connector_cli.outcomes import publish_outcomes, warnings

        outcomes = publish_outcomes(figures.outcomes, k)
        # each hidden row hides four cells: n, value, ci_low, ci_high
        counts["outcomes"] = 4 * sum(row["n"] == SUPPRESSED for row in outcomes)
    return Published(
        period=figures.period,
        suppress_below=k,
        metrics=metrics,
        breakdowns=breakdowns,
        suppressed=counts,
        outcomes=outcomes,
        outcome_warnings=warnings(outcomes) if outcomes else [],
    )
