"""No hidden figure can be worked out from every standard-period export of the same records.

Three years of varied casework are exported for every standard period (calendar and financial
quarters and years, CSV files and `report --json` together); every published equation is then
given to an integer solver (scipy's milp): sums within each family, the exact activity totals
the families add up to, a year = its four quarters (calendar and financial years overlap by
three quarters), published zeros as values, the outcome counts' bounds. Each hidden cell's
minimum and maximum over all integer solutions must differ. A control run with the years
protected on their own (no linking) shows the solver does find pinned cells.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from connector_cli import codes
from tests.conftest import ok

pytestmark = pytest.mark.timeout(600)

K = 5
FIRST, LAST = date(2024, 1, 1), date(2026, 9, 30)
QUARTERS = (
    ["2023Q2", "2023Q3", "2023Q4"]
    + [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    + ["2027Q1"]
)
FINANCIAL_QUARTERS = [
    f"{y}-{(y + 1) % 100:02d}Q{q}" for y in (2023, 2024, 2025, 2026) for q in (1, 2, 3, 4)
]
YEARS = ["2024", "2025", "2026", "2023-24", "2024-25", "2025-26", "2026-27"]
AREAS = ["North", "South", "East"]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_casework(db: Path, seed: int = 7, episodes: int = 170) -> None:
    """Varied casework, written straight into the store (fast): sources (some missing),
    demographics, triggers, decisions, closures with every reason (a few with none), UCLA and
    SWEMWBS at baseline and end, follow-ups, and gaps in configured and legacy free-text areas."""
    ok("config", "areas", "add", "North")  # migrates the new database too
    for area in AREAS[1:]:
        ok("config", "areas", "add", area)
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    stamp = "2026-01-01T00:00:00+00:00"
    pick = lambda codes_: rng.choice(codes_).slug  # noqa: E731
    reasons = [c.slug for c in codes.CLOSURE_REASONS]
    for number in range(episodes):
        person = conn.execute(
            "INSERT INTO people (name, gender, ethnicity, living, created_at) VALUES (?,?,?,?,?)",
            [
                f"P{number}",
                pick(codes.GENDERS) if rng.random() < 0.9 else None,
                pick(codes.ETHNICITIES) if rng.random() < 0.85 else None,
                pick(codes.LIVING) if rng.random() < 0.9 else None,
                stamp,
            ],
        ).lastrowid
        referred = _day(rng, FIRST, LAST)
        status = rng.choices(["accepted", "declined", "failed", "pending"], [8, 1, 1, 1])[0]
        decided = min(referred + timedelta(days=rng.randrange(0, 30)), date(2026, 11, 20))
        closed = reason = None
        if status == "accepted" and rng.random() < 0.8:
            closed = decided + timedelta(days=rng.randrange(20, 150))
            closed = closed if closed <= date(2026, 11, 15) else None
            reason = rng.choice(reasons) if rng.random() < 0.93 else None
        episode = conn.execute(
            """INSERT INTO episodes (person_id, referral_date, source, age_at_referral,
               triggers_answered, no_triggers, status, status_date, closure_date,
               closure_reason, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
            [
                person,
                referred.isoformat(),
                pick(codes.SOURCES) if rng.random() < 0.9 else None,
                rng.randrange(18, 99) if rng.random() < 0.9 else None,
                1,
                int(rng.random() < 0.1),
                status,
                None if status == "pending" else decided.isoformat(),
                closed and closed.isoformat(),
                reason,
                stamp,
            ],
        ).lastrowid
        for trigger in rng.sample([c.slug for c in codes.TRIGGERS], rng.choice([0, 1, 1, 2])):
            conn.execute("INSERT INTO episode_triggers VALUES (?, ?)", [episode, trigger])
        if status == "accepted":
            _measures(conn, rng, episode, decided, closed, stamp)
    for _ in range(60):
        area = rng.choice([*AREAS, "north", None, "Old Town (typed)"])
        conn.execute(
            """INSERT INTO gaps (date, category_group, need, reason, area, created_at)
               VALUES (?,?,?,?,?,?)""",
            [
                _day(rng, FIRST, LAST).isoformat(),
                rng.choice(["arts", "physical-activity", "advice"]),
                "something",
                pick(codes.GAP_REASONS),
                area,
                stamp,
            ],
        )
    conn.commit()
    conn.close()


def _measures(conn, rng, episode: int, start: date, closed: date | None, stamp: str) -> None:
    def add(instrument: str, stage: str, day: date, score: float) -> None:
        conn.execute(
            """INSERT INTO measures (episode_id, instrument, version, stage, date, score,
               created_at) VALUES (?,?,?,?,?,?,?)""",
            [episode, instrument, "1", stage, day.isoformat(), score, stamp],
        )

    if rng.random() < 0.85:
        add("ucla3", "baseline", start, rng.randrange(3, 10))
        if closed and rng.random() < 0.8:
            add("ucla3", "end", closed, rng.randrange(3, 10))
            follow = closed + timedelta(days=90)
            if rng.random() < 0.4 and follow <= date(2026, 11, 20):
                add("ucla3", "follow-up", follow, rng.randrange(3, 10))
    if rng.random() < 0.6:
        add("swemwbs", "baseline", start, round(rng.uniform(7, 35), 2))
        if closed and rng.random() < 0.8:
            add("swemwbs", "end", closed, round(rng.uniform(7, 35), 2))


# --- Reading what was published ----------------------------------------------------------------

COUNT_COLUMNS = {
    "trigger_groups": ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
}
ROW_ID = {
    "referral_sources": lambda r: r["source"],
    "trigger_groups": lambda r: r["group"],
    "closures": lambda r: r["reason"],
    "demographics": lambda r: f"{r['dimension']}/{r['category']}",
    "gaps": lambda r: f"{r['category']}|{r['area']}|{r['reason']}",
}


def _number(text):
    if text in ("*", None, ""):
        return text or None
    return float(text) if "." in str(text) else int(text)


def read_export(folder: Path, report: dict) -> dict:
    """{(table, row, column): value or '*'} from the CSV files and the report's JSON."""
    cells = {}
    with (folder / "summary.csv").open() as handle:
        for row in csv.DictReader(handle):
            cells[("summary", row["metric"], "value")] = _number(row["value"])
    for table, row_id in ROW_ID.items():
        with (folder / f"{table}.csv").open() as handle:
            for row in csv.DictReader(handle):
                for column in COUNT_COLUMNS.get(table, ("count",)):
                    cells[(table, row_id(row), column)] = _number(row[column])
    for row in report["breakdowns"]["source_groups"]:
        cells[("source_groups", row["group"], "count")] = row["count"]
    for row in report["breakdowns"]["ucla_bands"]:
        for column in ("lonely", "not_lonely"):
            cells[("ucla_bands", row["stage"], column)] = row[column]
    for name, value in report["metrics"].items():  # the report agrees with summary.csv
        assert cells[("summary", name, "value")] == value, name
    return cells


def export_all(tmp_path: Path, k: int) -> dict[str, dict]:
    import json

    published = {}
    for label in QUARTERS + FINANCIAL_QUARTERS + YEARS:
        flag = "--year" if label in YEARS else "--quarter"
        folder = tmp_path / f"k{k}-{label}"
        ok("export", flag, label, "--out", folder, "--suppress-below", k)
        report = json.loads(ok("report", flag, label, "--suppress-below", k, "--json").stdout)
        published[label] = read_export(folder, report)
    return published


# --- The equations -----------------------------------------------------------------------------


def span(label: str) -> str:
    """Calendar and financial quarters of the same dates are one span: 2026-27Q1 is 2026Q2."""
    if label in YEARS:
        return label
    if "-" not in label:
        return label
    first, quarter = int(label[:4]), int(label[-1])
    return f"{first + 1}Q1" if quarter == 4 else f"{first}Q{quarter + 1}"


def year_quarters(label: str) -> list[str]:
    if "-" in label:
        first = int(label[:4])
        return [f"{first}Q2", f"{first}Q3", f"{first}Q4", f"{first + 1}Q1"]
    return [f"{label}Q{q}" for q in (1, 2, 3, 4)]


class System:
    """Integer unknowns for hidden cells; published cells are constants."""

    def __init__(self, published: dict[str, dict]):
        self.published = published
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []  # coeffs, low, high

    def term(self, period: str, key: tuple):
        value = self.published[period].get(key, 0)  # a gap row not listed is a published 0
        if value == "*":
            return self.index.setdefault((period, key), len(self.index)), None
        return None, value

    def add(self, plus: list, minus: list = (), low: float = 0.0, high: float = 0.0) -> None:
        """sum(plus) - sum(minus) within [low, high]; each item is (period, key)."""
        coeffs: dict[int, float] = defaultdict(float)
        const = 0.0
        for sign, items in ((1, plus), (-1, minus)):
            for period, key in items:
                var, value = self.term(period, key)
                if var is None:
                    const += sign * (value or 0)
                else:
                    coeffs[var] += sign
        coeffs = {v: c for v, c in coeffs.items() if c}
        if coeffs:
            self.rows.append((coeffs, low - const, high - const))
        else:
            assert low - 1e-9 <= const <= high + 1e-9, (plus, minus, const)


INF = float("inf")
S = lambda name: ("summary", name, "value")  # noqa: E731


def equations(system: System, periods: list[str]) -> None:
    for p in periods:
        cells = system.published[p]
        keys = lambda table, cells=cells: [k for k in cells if k[0] == table]  # noqa: E731
        sources = keys("referral_sources")
        system.add([(p, k) for k in sources], [(p, S("referrals_received"))])
        by_group = defaultdict(list)
        for key in sources:
            group = next((c.group for c in codes.SOURCES if c.slug == key[1]), "unknown")
            by_group[group].append((p, key))
        for group, items in by_group.items():
            system.add(items, [(p, ("source_groups", group, "count"))])
        for dimension in ("age_band", "gender", "ethnicity", "living"):
            rows = [(p, k) for k in keys("demographics") if k[1].startswith(dimension + "/")]
            system.add(rows, [(p, S("referrals_received"))])
        group_of = {c.slug: c.group for c in codes.CLOSURE_REASONS} | {"not-recorded": "other"}
        for group in ("planned", "early", "other"):
            rows = [(p, k) for k in keys("closures") if group_of[k[1]] == group]
            system.add(rows, [(p, S(f"closed_{group}"))])
        triggers = [k for k in keys("trigger_groups") if k[2] == "referrals"]
        system.add([(p, k) for k in triggers], [(p, S("referrals_received"))], 0, INF)
        for key in triggers:
            system.add([(p, S("referrals_received"))], [(p, key)], 0, INF)
        _outcomes(system, p, [k[1] for k in triggers])


def _outcomes(system: System, p: str, trigger_rows: list[str]) -> None:
    le = lambda a, b: system.add([(p, S(b))], [(p, S(a))], 0, INF)  # noqa: E731
    system.add(
        [(p, S(f"ucla_{x}")) for x in ("improved", "no_change", "worse")], [(p, S("ucla_paired_n"))]
    )
    for small, big in (
        ("ucla_paired_n", "ucla_baseline_n"),
        ("ucla_baseline_n", "episodes_closed"),
        ("ucla_lonely_at_baseline", "ucla_paired_n"),
        ("ucla_became_not_lonely", "ucla_lonely_at_baseline"),
        ("ucla_became_lonely", "ucla_paired_n"),
        ("swemwbs_paired_n", "episodes_closed"),
        ("swemwbs_improved", "swemwbs_paired_n"),
        ("swemwbs_meaningful_improvement", "swemwbs_improved"),
        ("followup_ucla_sustained", "followup_ucla_n"),
        ("followup_ucla_better_than_baseline", "followup_ucla_n"),
    ):
        le(small, big)
    bands = lambda stage, col: (p, ("ucla_bands", stage, col))  # noqa: E731
    system.add([bands("baseline", "lonely")], [(p, S("ucla_lonely_at_baseline"))])
    for stage in ("baseline", "end"):
        system.add([bands(stage, "lonely"), bands(stage, "not_lonely")], [(p, S("ucla_paired_n"))])
    system.add(
        [bands("end", "lonely"), (p, S("ucla_became_not_lonely"))],
        [(p, S("ucla_lonely_at_baseline")), (p, S("ucla_became_lonely"))],
    )
    rows = [(p, ("trigger_groups", r, "ucla_paired_n")) for r in trigger_rows]
    system.add(rows, [(p, S("ucla_paired_n"))], 0, INF)
    for row in trigger_rows:
        n = (p, ("trigger_groups", row, "ucla_paired_n"))
        system.add([(p, S("ucla_paired_n"))], [n], 0, INF)
        for column in ("ucla_improved", "ucla_became_not_lonely"):
            system.add([n], [(p, ("trigger_groups", row, column))], 0, INF)
    if p not in YEARS:  # the rule is public: a quarter hides an outcome n only below k
        for key in [S(n) for n in OUTCOME_NS] + [r[1] for r in rows]:
            system.add([(p, key)], [], 0, K - 1) if system.published[p].get(key) == "*" else None


OUTCOME_NS = ["ucla_paired_n", "swemwbs_paired_n", "followup_ucla_n"]
ADDITIVE = (
    "referral_sources",
    "source_groups",
    "demographics",
    "closures",
    "gaps",
    "trigger_groups",
)
ADDITIVE_SUMMARY = [
    "referrals_received",
    "episodes_closed",
    "closed_planned",
    "closed_early",
    "closed_other",
    "ucla_baseline_n",
    "ucla_paired_n",
    "ucla_improved",
    "ucla_no_change",
    "ucla_worse",
    "ucla_lonely_at_baseline",
    "ucla_became_not_lonely",
    "ucla_became_lonely",
    "swemwbs_paired_n",
    "swemwbs_improved",
    "swemwbs_meaningful_improvement",
    "followup_ucla_n",
]


def year_equations(system: System) -> None:
    """Each year's additive cells are the sums of its four quarters' cells."""
    for year in YEARS:
        quarters = year_quarters(year)
        keys = {k for k in system.published[year] if k[0] in ADDITIVE}
        for q in quarters:
            keys |= {k for k in system.published[q] if k[0] in ADDITIVE}
        keys |= {S(name) for name in ADDITIVE_SUMMARY}
        keys |= {
            ("ucla_bands", s, c) for s in ("baseline", "end") for c in ("lonely", "not_lonely")
        }
        for key in keys:
            system.add([(year, key)], [(q, key) for q in quarters])


def pinned_cells(published: dict[str, dict]) -> list[tuple]:
    """Hidden cells whose minimum equals their maximum over every integer solution."""
    periods = QUARTERS + YEARS
    system = System(published)
    equations(system, periods)
    year_equations(system)
    n = len(system.index)
    if not n:
        return []
    # Independent pieces are solved apart: far smaller problems.
    parent = list(range(n))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for coeffs, _, _ in system.rows:
        first, *rest = coeffs
        for v in rest:
            parent[find(v)] = find(first)
    pieces = defaultdict(list)
    for v in range(n):
        pieces[find(v)].append(v)
    names = {v: key for key, v in system.index.items()}
    pinned = []
    for members in pieces.values():
        local = {v: i for i, v in enumerate(members)}
        rows = [r for r in system.rows if find(next(iter(r[0]))) == find(members[0])]
        matrix = np.zeros((max(len(rows), 1), len(members)))
        low = np.full(max(len(rows), 1), -np.inf)
        high = np.full(max(len(rows), 1), np.inf)
        for i, (coeffs, lo, hi) in enumerate(rows):
            for v, c in coeffs.items():
                matrix[i, local[v]] = c
            low[i], high[i] = lo, hi
        constraint = LinearConstraint(matrix, low, high)
        bounds = Bounds(np.zeros(len(members)), np.full(len(members), 10_000))
        integral = np.ones(len(members))
        for v, i in local.items():
            found = []
            for sign in (1, -1):
                goal = np.zeros(len(members))
                goal[i] = sign
                result = milp(goal, constraints=constraint, bounds=bounds, integrality=integral)
                assert result.success, (names[v], result.message)
                found.append(round(result.x[i]))
            if found[0] == found[1]:
                pinned.append((names[v], found[0]))
    return pinned


# --- The tests ---------------------------------------------------------------------------------


def test_true_figures_satisfy_every_equation(tmp_path: Path, db_path: Path) -> None:
    """The equations are real: the unprotected figures (k = 0) satisfy all of them."""
    build_casework(db_path)
    truth = export_all(tmp_path, 0)
    system = System(truth)
    equations(system, QUARTERS + YEARS)
    year_equations(system)  # System.add asserts each equation with no unknown
    assert not system.index


def test_no_hidden_cell_is_pinned_by_every_standard_period(tmp_path: Path, db_path: Path) -> None:
    build_casework(db_path)
    published = export_all(tmp_path, K)
    for label in FINANCIAL_QUARTERS:  # the same dates give the same figures, whatever the name
        if span(label) in published:
            assert published[label] == published[span(label)], label
    hidden = sum(v == "*" for cells in published.values() for v in cells.values())
    assert hidden > 200  # the casework does exercise suppression
    assert pinned_cells(published) == []


def test_the_solver_finds_what_unlinked_years_give_away(db_path: Path) -> None:
    """Control: with each year protected on its own, hidden quarter cells are pinned."""
    from connector_cli.dates import parse_quarter, parse_year
    from connector_cli.reports import build_figures
    from connector_cli.session import open_db
    from connector_cli.suppression import publish

    build_casework(db_path)
    conn = open_db()
    published = {}
    for label in QUARTERS + YEARS:
        period = parse_year(label) if label in YEARS else parse_quarter(label)
        shown = publish(build_figures(conn, period=period), K)  # no `quarters=`: unlinked
        cells = {S(name): value for name, value in shown.metrics.items()}
        for table, row_id in ROW_ID.items():
            for row in shown.breakdowns[table]:
                for column in COUNT_COLUMNS.get(table, ("count",)):
                    cells[(table, row_id(row), column)] = row[column]
        for row in shown.breakdowns["source_groups"]:
            cells[("source_groups", row["group"], "count")] = row["count"]
        for row in shown.breakdowns["ucla_bands"]:
            for column in ("lonely", "not_lonely"):
                cells[("ucla_bands", row["stage"], column)] = row[column]
        published[label] = cells
    assert len(pinned_cells(published)) > 10
