"""Rich output for `connector report` (a one- or two-screen summary at 80 columns, with small
bar charts), its JSON, and the list of files `connector export` wrote."""

from __future__ import annotations

import textwrap
from datetime import date

from rich.text import Text

from connector_cli.render import console

WIDTH = 80
BAR_WIDTH = 24
GROUP_BAR_WIDTH = 12
BLOCKS = " ▏▎▍▌▋▊▉█"
NO_DATA = "–"

# Section: (title, [(metric, label)]). Labels are short so two pairs fit on an 80-column line.
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Referrals (received in the period, by current status)",
        (
            ("referrals_received", "Received"),
            ("referrals_accepted", "Accepted"),
            ("referrals_declined", "Declined"),
            ("referrals_failed", "Failed"),
            ("referrals_pending", "Pending"),
            ("episodes_open_at_period_end", "Open at period end"),
            ("people_referred_again", "Referred again"),
        ),
    ),
    (
        "Delivery (support contacts in the period)",
        (
            ("people_supported", "People supported"),
            ("contacts_total", "Support contacts"),
            ("contacts_face_to_face", "Face-to-face"),
            ("contacts_telephone", "Telephone"),
            ("contacts_video", "Video"),
            ("contacts_message", "Message"),
            ("contacts_by_volunteer", "By a volunteer"),
            ("contact_minutes_total", "Minutes"),
            ("contacts_about_person", "About the person"),
            ("contact_attempts", "Attempts"),
            ("contacts_with_journey", "With a journey"),
        ),
    ),
    (
        "Closures (accepted episodes closed in the period)",
        (
            ("episodes_closed", "Closed"),
            ("closed_planned", "Planned"),
            ("closed_early", "Early"),
            ("closed_other", "Other reason"),
            ("closed_median_contacts", "Median contacts"),
            ("closed_median_minutes", "Median minutes"),
            ("closed_median_weeks", "Median weeks"),
            ("closed_one_contact_only", "One contact only"),
            ("closed_no_contact", "No contact"),
            ("closed_with_volunteer", "With a volunteer"),
            ("closed_face_to_face_only", "Face-to-face only"),
            ("closed_remote_only", "Phone/video/msg only"),
            ("closed_both_ways", "Both ways"),
        ),
    ),
    (
        "Signposting and goals",
        (
            ("signposts_total", "Signposts"),
            ("people_signposted", "People signposted"),
            ("goals_set", "Goals set"),
            ("closed_goals", "Goals of closed episodes"),
            ("closed_goals_achieved", "Of those, achieved"),
        ),
    ),
    (
        "Loneliness: UCLA 3-item, closed in the period (3-9, lower is better)",
        (
            ("ucla_baseline_n", "With a baseline"),
            ("ucla_paired_n", "Paired (baseline + end)"),
            ("ucla_improved", "Improved"),
            ("ucla_no_change", "No change"),
            ("ucla_worse", "Worse"),
            ("ucla_mean_baseline", "Mean at baseline"),
            ("ucla_mean_end", "Mean at end"),
            ("ucla_mean_change", "Mean change"),
            ("ucla_sd_change", "SD of change"),
            ("ucla_lonely_at_baseline", "Lonely at baseline"),
            ("ucla_became_not_lonely", "Lonely → not lonely"),
            ("ucla_became_lonely", "Not lonely → lonely"),
        ),
    ),
    (
        "Wellbeing: SWEMWBS metric score, closed in the period (higher is better)",
        (
            ("swemwbs_paired_n", "Paired (baseline + end)"),
            ("swemwbs_mean_change", "Mean change"),
            ("swemwbs_improved", "Improved (any rise)"),
            ("swemwbs_meaningful_improvement", "Rose 3+ points"),
        ),
    ),
    (
        "Follow-up (UCLA follow-ups in the period) and data quality",
        (
            ("followup_ucla_n", "Followed up"),
            ("followup_ucla_sustained", "No worse than at end"),
            ("followup_ucla_better_than_baseline", "Better than baseline"),
            ("followup_swemwbs_n", "SWEMWBS followed up"),
            ("followup_swemwbs_mean_change", "SWEMWBS since start"),
            ("data_completeness_pct", "Data completeness"),
            ("outcome_coverage_pct", "Outcome coverage"),
        ),
    ),
    (
        "Safeguarding concerns (counts only; never hidden)",
        (
            ("concerns_raised", "Raised in period"),
            ("concerns_open_at_period_end", "Open at period end"),
        ),
    ),
)
ONS4_LABELS = (
    ("life_satisfaction", "Life satisfaction", "up"),
    ("worthwhile", "Worthwhile", "up"),
    ("happiness", "Happiness", "up"),
    ("anxiety", "Anxiety", "down"),
)


def show(value: object, *, places: int | None = None, suffix: str = "") -> str:
    """A published value as text: `*` hidden, `–` no data, fixed decimals for statistics."""
    if value is None:
        return NO_DATA
    if isinstance(value, str):
        return value
    if places is not None:
        return f"{value:.{places}f}{suffix}"
    return f"{value}{suffix}"


def _metric_text(published, name: str) -> str:
    from connector_cli.report_metrics import METRIC_BY_NAME

    kind = METRIC_BY_NAME[name].kind
    value = published.metrics[name]
    if kind == "pct":
        return show(value, places=1, suffix="%")
    return show(value, places=2 if kind == "stat" else None)


def bar(value: object, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar in eighth-blocks, scaled to the largest shown value."""
    if not isinstance(value, int) or value <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return BLOCKS[-1] * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def _pairs_grid(published, pairs):
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    for justify in ("left", "right", "left", "right"):
        grid.add_column(justify=justify, no_wrap=True)
    cells = [
        (label, _metric_text(published, name)) for name, label in pairs if name in published.metrics
    ]
    for i in range(0, len(cells), 2):
        left = cells[i]
        right = cells[i + 1] if i + 1 < len(cells) else ("", "")
        grid.add_row(f"  {left[0]}", left[1], right[0], right[1])
    return grid


def _chart(rows: list[tuple[str, object]], width: int = 14):
    from rich.table import Table

    largest = max((v for _, v in rows if isinstance(v, int)), default=0)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    for label, value in rows:
        grid.add_row(f"  {label}", show(value), bar(value, largest, width))
    return grid


def _chart_width(rows: list[tuple[str, object]]) -> int:
    """Columns a chart takes besides its bars: indent, label, space, count, space."""
    return 2 + max(len(label) for label, _ in rows) + 1 + max(len(show(v)) for _, v in rows) + 1


def _group_charts(published):
    """Referral source groups and signpost groups, side by side, each group named as in the
    export; the bars shorten when large counts need the room (80 columns in all)."""
    from rich.table import Table

    both = Table.grid(padding=(0, 2))
    both.add_column()
    both.add_column()
    signposts = [(row["group"], row["count"]) for row in published.breakdowns["signpost_groups"]]
    if "source_groups" not in published.breakdowns:  # a --from/--to span: activity only
        both.add_row(Text("  Signposts by group"))
        both.add_row(_chart(signposts, GROUP_BAR_WIDTH))
        return both
    both.add_row(Text("  Referrals by source group"), Text("Signposts by group"))
    sources = [(row["group"], row["count"]) for row in published.breakdowns["source_groups"]]
    room = WIDTH - 2 - _chart_width(sources) - _chart_width(signposts)
    bars = max(4, min(GROUP_BAR_WIDTH, room // 2))
    both.add_row(_chart(sources, bars), _chart(signposts, bars))
    return both


def _ucla_chart(published):
    """One stacked bar per stage: lonely (dark) then not lonely (light), of the paired."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    for justify in ("left", "left", "right", "right"):
        grid.add_column(justify=justify, no_wrap=True)
    grid.add_row("", "", "lonely", "not lonely")
    for row in published.breakdowns["ucla_bands"]:
        lonely, not_lonely = row["lonely"], row["not_lonely"]
        if isinstance(lonely, int) and isinstance(not_lonely, int) and lonely + not_lonely:
            dark = round(BAR_WIDTH * lonely / (lonely + not_lonely))
            picture = "█" * dark + "░" * (BAR_WIDTH - dark)
        else:
            picture = "·" * BAR_WIDTH  # hidden or none: no picture
        grid.add_row(f"  {row['stage']:<8}", picture, show(lonely), show(not_lonely))
    return grid


def _ons4_grid(published):
    from rich.table import Table

    grid = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2))
    grid.add_column("  ONS4 item (0-10)", no_wrap=True)
    grid.add_column("Paired", justify="right")
    grid.add_column("Mean change", justify="right")
    grid.add_column("Improved", justify="right")
    for item, label, better in ONS4_LABELS:
        m = published.metrics
        grid.add_row(
            f"  {label} ({better} is better)",
            show(m[f"ons4_{item}_paired_n"]),
            show(m[f"ons4_{item}_mean_change"], places=2),
            show(m[f"ons4_{item}_improved"]),
        )
    return grid


def _gaps(published):
    """Unmet needs recorded in the period: category, area, why nothing fitted, how often."""
    from rich.table import Table

    rows = published.breakdowns.get("gaps", [])
    if not rows:
        return Text("  No unmet needs recorded in the period.")
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2))
    for column, justify in (
        ("  Category", "left"),
        ("Area", "left"),
        ("Why", "left"),
        ("Count", "right"),
    ):
        table.add_column(column, justify=justify, overflow="fold")
    ordered = sorted(
        rows,
        key=lambda r: (-(r["count"] if isinstance(r["count"], int) else 0), str(r["category"])),
    )
    for row in ordered:
        table.add_row(  # Text: an area as typed ("Riverside [/] Northside") is not markup
            Text(f"  {row['category']}"),
            Text(str(row["area"])),
            Text(str(row["reason"])),
            show(row["count"]),
        )
    return table


def _footnotes(published) -> list[str]:
    k = published.suppress_below
    if not published.standard and k > 1:
        notes = [
            "Activity figures only: characteristic and outcome figures are published for",
            "  quarters and years (--quarter, --year), never for a --from/--to span, since",
            "  two spans a day apart would give one person's details by subtraction.",
        ]
    elif k > 1:
        small = "a count of 1" if k == 2 else f"a count from 1 to {k - 1}"
        notes = [
            f"* hidden: who people are ({small}, or a count that would",
            f"  reveal one), or an outcome group of fewer than {k} people. Activity is always",
            "  exact.",
        ]
    else:
        notes = [f"Disclosure control is OFF (k = {k}): small numbers are shown. Do not share."]
    if not published.standard and k > 1:
        return notes + [f"{NO_DATA} no data in the period."]
    return notes + [
        f"{NO_DATA} no data in the period. Change = end − baseline.",
        "UCLA bands (3-5 not lonely, 6-9 lonely) are a statistical convention, not a",
        "  diagnosis. SWEMWBS meaningful improvement: a rise of 3 or more metric points",
        "  (the strict threshold, Shah et al. 2018).",
    ]


def period_title(period) -> str:
    """`2026Q3: 2026-07-01 to 2026-09-30`; a --from/--to period is just its dates (its label,
    `2026-07-01_to_2026-08-31`, names the export folder)."""
    dates = f"{period.start} to {period.end}"
    return (
        dates if period.label == f"{period.start}_to_{period.end}" else f"{period.label}: {dates}"
    )


def period_note(period, today: date) -> str | None:
    """A note for a period that has not ended (or begun) by `today`, else None. On its last
    day a period has not ended: more can still be recorded that day."""
    if today < date.fromisoformat(str(period.start)):
        return "The period has not started yet: there are no figures."
    if today <= date.fromisoformat(str(period.end)):
        return f"The period has not ended yet: figures so far (up to {today.isoformat()})."
    return None


def print_report(published, *, today: date) -> None:
    from rich.console import Group

    out = console()
    out.width = min(out.width, WIDTH)
    period = published.period
    parts: list = [Text(f"Connector report {period_title(period)}", style="bold")]
    note = period_note(period, today)
    if note:
        parts.append(Text(note, style="yellow"))
    after = {
        3: _group_charts,
        4: lambda p: Group(
            Text("  Paired episodes by UCLA band, baseline and end"), _ucla_chart(p)
        ),
        5: _ons4_grid,
    }
    for index, (title, pairs) in enumerate(SECTIONS):
        if not any(name in published.metrics for name, _ in pairs):
            continue  # outcome sections of a --from/--to span
        if "followup_ucla_n" not in published.metrics and title.startswith("Follow-up"):
            title = "Data quality"
        parts += [Text(""), Text(title, style="bold"), _pairs_grid(published, pairs)]
        if index in after:
            parts.append(after[index](published))
    parts += outcome_section(published)
    if "gaps" in published.breakdowns:
        parts += [
            Text(""),
            Text("Gaps: unmet needs recorded in the period", style="bold"),
            _gaps(published),
        ]
    parts.append(Text(""))
    parts += [Text(line, style="dim") for line in _footnotes(published)]
    out.print(Group(*parts))


def _outcomes_json(published) -> list[dict] | None:
    """outcomes.csv's rows (its columns only), or None when not published for the period."""
    if published.outcomes is None:
        return None
    return [{k: v for k, v in row.items() if k != "count"} for row in published.outcomes]


def report_json(published, *, today: date) -> str:
    import json

    from connector_cli.report_metrics import SWEMWBS_MEANINGFUL_CHANGE
    from connector_cli.suppression import LEFT_OUT_REASON

    data = {
        "period": published.period.as_dict(),
        "as_recorded_on": today.isoformat(),
        "standard_period": published.standard,
        "suppress_below": published.suppress_below,
        "protection": "unprotected" if published.suppress_below == 0 else "on",
        "metrics": published.metrics,
        "breakdowns": published.breakdowns,
        "suppressed_cells": published.suppressed,
        "outcomes": _outcomes_json(published),
        "outcome_warnings": published.outcome_warnings,
        "thresholds": {
            "swemwbs_meaningful_change": SWEMWBS_MEANINGFUL_CHANGE,
            "ucla_lonely": "6-9",
            "ucla_not_lonely": "3-5",
        },
    }
    if published.left_out:
        data["left_out"] = {"figures": published.left_out, "why": LEFT_OUT_REASON}
    note = period_note(published.period, today)
    if note:
        data["note"] = note
    return json.dumps(data, ensure_ascii=False)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def print_export(result, *, period, today: date) -> None:
    out = console()
    files = _count(len(result.files), "file", "files")
    from connector_cli.clean import for_terminal

    folder = for_terminal(str(result.folder))
    out.print(f"Wrote {files} to {folder}/:", highlight=False, markup=False)
    for f in result.files:
        if f.name.endswith(".json"):
            detail = "file list with SHA-256 and hidden-cell counts"
        elif f.name.endswith(".xlsx"):
            detail = f"workbook: a Read me sheet and {_count(f.rows, 'sheet', 'sheets')}"
        else:
            detail = _count(f.rows, "row", "rows") + (
                f", {f.suppressed_cells} hidden" if f.suppressed_cells else ""
            )
            if f.record_level:
                detail += ", record level (not suppressed)"
        out.print(f"  {f.name:<22} {detail}", highlight=False, markup=False)
    for name in result.removed:
        out.print(f"  removed the old {name} (this export has no records)", markup=False)
    if result.left_out:
        import textwrap

        from connector_cli.suppression import LEFT_OUT_REASON

        text = (
            "Activity figures only: outcomes.csv is left out, and so are the files about who "
            "people are. " + LEFT_OUT_REASON
        )
        for line in textwrap.wrap(text, width=min(out.width, WIDTH)):
            out.print(line, highlight=False, markup=False)
    if result.unprotected:
        out.print("Unprotected: the manifest says so.", style="yellow", markup=False)
    note = period_note(period, today)
    if note:
        out.print(note, style="yellow", highlight=False, markup=False)


# --- Outcomes ----------------------------------------------------------------------------------

OUTCOME_LABELS = {
    "ucla_unpaired_baseline_mean": "UCLA at baseline, no end score",
    "ucla_paired_baseline_mean": "UCLA at baseline, paired",
    "ucla_mean_change": "UCLA mean change",
    "ucla_improved_pct": "UCLA improved",
    "ucla_lonely_baseline_pct": "Lonely (6-9) at baseline",
    "ucla_lonely_end_pct": "Lonely (6-9) at end",
    "direct_often_baseline_pct": "Often/always lonely, baseline",
    "direct_often_end_pct": "Often/always lonely, end",
    "swemwbs_mean_baseline": "SWEMWBS at baseline",
    "swemwbs_mean_end": "SWEMWBS at end",
    "swemwbs_mean_change": "SWEMWBS mean change",
    "swemwbs_meaningful_pct": "SWEMWBS rose 3+ points",
    "ons4_life_satisfaction_mean_change": "Life satisfaction change",
    "ons4_worthwhile_mean_change": "Worthwhile change",
    "ons4_happiness_mean_change": "Happiness change",
    "ons4_anxiety_mean_change": "Anxiety change",
    "followup_from_end_mean_change": "Follow-up UCLA minus end",
    "followup_sustained_pct": "Follow-up no worse than end",
    "goals_achieved_pct": "Goals achieved",
    "goal_progress_a-lot_pct": "Goals: a lot of progress",
    "goal_progress_some_pct": "Goals: some progress",
    "goal_progress_none_pct": "Goals: no progress",
    "goal_progress_not-reviewed_pct": "Goals: never reviewed",
    "signpost_take_up_pct": "Signposts taken up",
}
GROUP_MEASURES = (
    "ucla_mean_change",
    "ucla_improved_pct",
    "ucla_lonely_baseline_pct",
    "ucla_lonely_end_pct",
)


def _outcome_value(row: dict) -> str:
    value = row["value"]
    places = 1 if row["measure"].endswith("_pct") else 2
    return show(value, places=places, suffix="%" if places == 1 and value is not None else "")


def _interval(row: dict) -> str:
    low, high = row["ci_low"], row["ci_high"]
    if low == "*" or high == "*":
        return "*"
    if low is None or high is None:
        return ""
    places = 1 if row["measure"].endswith("_pct") else 2
    return f"{low:.{places}f} to {high:.{places}f}"


def coverage_line(published) -> str:
    row = next(r for r in published.outcomes if r["measure"] == "ucla_paired_pct")
    if row["n"] == "*":
        k = published.suppress_below
        return f"  Coverage hidden: fewer than {k} episodes closed in the period."
    if not row["n"]:
        return "  No episodes closed in the period: no outcomes to show."
    closed = _plural(row["n"], "closed episode has", "closed episodes have")
    pct = f"{row['value']:.1f}".removesuffix(".0")
    return f"  {row['count']} of {closed} baseline and end UCLA ({pct}%)."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _outcome_table(rows: list[dict]):
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2))
    table.add_column("  Figure", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("Value", justify="right")
    table.add_column("95% CI", no_wrap=True)
    for row in rows:
        label = OUTCOME_LABELS.get(row["measure"], row["measure"])
        table.add_row(f"  {label}", show(row["n"]), _outcome_value(row), _interval(row))
    return table


def _group_table(rows: list[dict]):
    """Rows 4-7 by group: n, mean change with its interval, and three percentages."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    for title, justify in (
        ("  Group", "left"),
        ("n", "right"),
        ("Change", "right"),
        ("95% CI", "left"),
        ("Better", "right"),
        ("Lonely", "right"),
        ("→ end", "right"),
    ):
        table.add_column(title, justify=justify, no_wrap=True)
    by = {(r["measure"], r["group"]): r for r in rows}
    groups = [r["group"] for r in rows if r["measure"] == "ucla_mean_change"]
    for group in groups:
        change = by[("ucla_mean_change", group)]
        table.add_row(
            f"  {group}",
            show(change["n"]),
            _outcome_value(change),
            _interval(change),
            *(_outcome_value(by[(m, group)]) for m in GROUP_MEASURES[1:]),
        )
    return table


def outcome_section(published) -> list:
    """Coverage first, then warnings, every figure with its n and 95% interval, then the
    paired UCLA figures by group."""
    parts: list = [
        Text(""),
        Text("Outcomes: closed in the period, with 95% intervals", style="bold"),
    ]
    if published.outcomes is None:
        from connector_cli.outcomes import NOT_STANDARD

        return parts + [
            Text(
                textwrap.fill(NOT_STANDARD, WIDTH - 2, initial_indent="  ", subsequent_indent="  ")
            )
        ]
    parts.append(Text(coverage_line(published)))
    for warning in published.outcome_warnings:
        text = textwrap.fill(
            warning, width=WIDTH - 2, initial_indent="  Warning: ", subsequent_indent="    "
        )
        parts.append(Text(text, style="yellow"))
    overall = [
        r
        for r in published.outcomes
        if r["group"] == "all"
        and r["measure"] in OUTCOME_LABELS
        and r["measure"] != "ucla_paired_pct"
    ]
    parts.append(_outcome_table(overall))
    parts += [
        Text(""),
        Text("  Paired UCLA by group: mean change, % improved, % lonely at baseline and end"),
        _group_table(published.outcomes),
    ]
    return parts
