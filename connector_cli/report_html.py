"""`report --html FILE`: the quarter's figures as one printable page for a commissioners' meeting.

Built from exactly the data `report --json` prints (the same figures after the same disclosure
control), so the page can never show more than the report. Self-contained: inline CSS and
hand-written inline SVG charts, no scripts, fonts or anything fetched from a network. Hand-written
SVG costs nothing at start-up; a charting library would add tens of MB and seconds of import for
three kinds of chart (bars, and intervals drawn as lines).
"""

from __future__ import annotations

from html import escape

from connector_cli.labels import signpost_category_label

HIDDEN = "*"

HEADLINE = (
    ("referrals_received", "Referrals received"),
    ("referrals_accepted", "Referrals accepted"),
    ("people_supported", "People supported"),
    ("contacts_total", "Support contacts"),
    ("contact_minutes_total", "Minutes of support"),
    ("episodes_closed", "Support ended"),
    ("signposts_total", "Signposts made"),
    ("goals_set", "Goals set"),
)

CONTACT_KINDS = (
    ("contacts_face_to_face", "Face to face"),
    ("contacts_telephone", "Telephone"),
    ("contacts_video", "Video"),
    ("contacts_message", "Message"),
)

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       color: #1a1a1a; margin: 0; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; }
h2 { font-size: 12pt; margin: 5mm 0 2mm 0; border-bottom: 1.5px solid #2b5d8a;
     color: #2b5d8a; padding-bottom: 1mm; }
p { margin: 1mm 0 2mm 0; }
.meta { color: #444; margin-bottom: 3mm; }
.note { background: #fff6dc; border-left: 3px solid #c99a00; padding: 1.5mm 3mm; }
.warn { background: #fdecea; border-left: 3px solid #b3261e; padding: 1.5mm 3mm; }
h2 { break-after: avoid; page-break-after: avoid; }
svg, .cards, tr, .warn, .note { break-inside: avoid; page-break-inside: avoid; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; }
.card { border: 1px solid #c8d3de; border-radius: 2mm; padding: 2mm 3mm; }
.card .n { font-size: 15pt; font-weight: bold; }
.card .t { color: #444; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 0.8mm 2mm; border-bottom: 1px solid #dde3ea; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
svg text { font-family: inherit; font-size: 11px; fill: #1a1a1a; }
.figs { columns: 2; column-gap: 6mm; font-size: 8.5pt; }
.figs div { display: flex; justify-content: space-between; border-bottom: 1px dotted #ccd; break-inside: avoid; }
.figs .v { font-variant-numeric: tabular-nums; padding-left: 2mm; }
.pagebreak { break-before: page; page-break-before: always; }
footer { margin-top: 4mm; color: #555; font-size: 8.5pt; }
"""


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    return escape(str(value))


def _number(value) -> float | None:
    if isinstance(value, bool) or value in (None, "", HIDDEN):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def bar_chart(rows: list[tuple[str, object]], *, width: int = 640) -> str:
    """Horizontal bars; a hidden value gets no bar and the label `*` (never a guessed length)."""
    height_each, label_width = 17, 230
    known = [v for _, v in rows if _number(v) is not None]
    top = max(known, key=float, default=0) or 1
    height = height_each * len(rows) + 4
    parts = [
        f'<svg width="{width}" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    span = width - label_width - 50
    for index, (label, value) in enumerate(rows):
        y = index * height_each + 2
        parts.append(f'<text x="0" y="{y + 13}">{escape(label)}</text>')
        number = _number(value)
        length = 0 if number is None else round(span * number / float(top), 1)
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="12" fill="#2b5d8a"/>'
            )
        parts.append(f'<text x="{label_width + length + 4}" y="{y + 13}">{_text(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def interval_chart(rows: list[dict], *, width: int = 640) -> str:
    """Each mean as a dot with its 95% interval as a line, on one shared axis with zero marked.
    Rows whose figures are hidden or have no interval are listed, not drawn."""
    drawn = [
        r for r in rows if None not in (_number(r.get(k)) for k in ("value", "ci_low", "ci_high"))
    ]
    if not drawn:
        return ""
    low = min(min(_number(r["ci_low"]) for r in drawn), 0.0)
    high = max(max(_number(r["ci_high"]) for r in drawn), 0.0)
    if high == low:
        high = low + 1
    label_width, right, gap = 290, 20, 12
    span = width - label_width - right - gap

    def x(v: float) -> float:
        return round(label_width + gap + span * (v - low) / (high - low), 1)

    row_h = 20
    height = row_h * len(drawn) + 22
    zero = x(0.0)
    parts = [
        f'<svg width="{width}" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height - 16}" stroke="#999" '
        f'stroke-dasharray="3,2"/>',
    ]
    for value in sorted({low, 0.0, high}):  # axis ticks, leaving out any that would overlap
        if value == 0.0 or abs(x(value) - zero) > 30:
            parts.append(
                f'<text x="{x(value)}" y="{height - 4}" text-anchor="middle">{value:g}</text>'
            )
    for index, row in enumerate(drawn):
        y = index * row_h + 10
        lo, mid, hi = (_number(row[k]) for k in ("ci_low", "value", "ci_high"))
        parts.append(f'<text x="0" y="{y + 4}">{escape(row["title"])} (n={_text(row["n"])})</text>')
        parts.append(
            f'<line x1="{x(lo)}" y1="{y}" x2="{x(hi)}" y2="{y}" stroke="#2b5d8a" stroke-width="2"/>'
        )
        for end in (lo, hi):
            parts.append(
                f'<line x1="{x(end)}" y1="{y - 4}" x2="{x(end)}" y2="{y + 4}" stroke="#2b5d8a"/>'
            )
        parts.append(f'<circle cx="{x(mid)}" cy="{y}" r="3.2" fill="#b3261e"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(header: list[str], rows: list[list[object]], numeric_from: int = 1) -> str:
    head = "".join(
        f'<th class="{"num" if i >= numeric_from else ""}">{escape(h)}</th>'
        for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i >= numeric_from else ""}">{_text(v)}</td>'
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _headline(metrics: dict) -> str:
    cards = "".join(
        f'<div class="card"><div class="n">{_text(metrics.get(key))}</div>'
        f'<div class="t">{escape(title)}</div></div>'
        for key, title in HEADLINE
        if key in metrics
    )
    return f'<section><h2>What the service did</h2><div class="cards">{cards}</div></section>'


def _sources(report: dict, labels: dict[str, str]) -> str:
    rows = report.get("breakdowns", {}).get("source_groups") or []
    if not rows:
        return ""
    bars = bar_chart([(labels.get(r["group"], r["group"]), r["count"]) for r in rows])
    return f"<section><h2>Referrals by source</h2>{bars}</section>"


def _contacts(metrics: dict) -> str:
    rows = [(title, metrics[key]) for key, title in CONTACT_KINDS if key in metrics]
    if not rows:
        return ""
    extra = _table(
        ["", "Count"],
        [
            ["Delivered by a volunteer", metrics.get("contacts_by_volunteer")],
            ["Contacts about the person (not with them)", metrics.get("contacts_about_person")],
            ["Attempts that did not reach the person", metrics.get("contact_attempts")],
        ],
    )
    return f"<section><h2>Contacts by kind</h2>{bar_chart(rows)}{extra}</section>"


MEAN_CHANGES = (
    ("ucla_mean_change", "Loneliness (UCLA, 3-9; down is better)"),
    ("swemwbs_mean_change", "Wellbeing (SWEMWBS; up is better)"),
    ("ons4_life_satisfaction_mean_change", "Life satisfaction (up is better)"),
    ("ons4_worthwhile_mean_change", "Worthwhile (up is better)"),
    ("ons4_happiness_mean_change", "Happiness (up is better)"),
    ("ons4_anxiety_mean_change", "Anxiety (down is better)"),
)


def group_title(group: str, labels: dict[str, str]) -> str:
    if group == "all":
        return "Everyone"
    kind, _, slug = group.partition(":")
    plain = {
        "under-60": "aged under 60",
        "60-plus": "aged 60 or over",
        "alone": "living alone",
        "not-alone": "not living alone",
        "most-lonely": "most lonely at the start (UCLA 8-9)",
        "none": "no trigger",
    }
    if kind == "trigger" and slug in labels:
        return labels[slug]
    return plain.get(slug, slug.replace("-", " "))


def _outcome_rows(report: dict) -> list[dict]:
    outcomes = report.get("outcomes")
    if isinstance(outcomes, dict):
        outcomes = outcomes.get("rows")
    return [r for r in outcomes or [] if isinstance(r, dict) and "measure" in r]


def _decimal(value, measure: str) -> object:
    """A value as the CSV files write it: percentages with 1 decimal, means with 2."""
    number = _number(value)
    if number is None or isinstance(value, int) and not isinstance(value, bool):
        return value
    return f"{number:.1f}" if measure.endswith("_pct") else f"{number:.2f}"


def _interval(row: dict) -> str:
    low, high = row.get("ci_low"), row.get("ci_high")
    if low in (None, "") or high in (None, ""):
        return ""
    if HIDDEN in (low, high):
        return HIDDEN
    return f"{_decimal(low, row['measure'])} to {_decimal(high, row['measure'])}"


def _coverage_line(metrics: dict, rows: list[dict]) -> str:
    paired = next(
        (r for r in rows if r["measure"] == "ucla_paired_pct" and r.get("group") == "all"), None
    )
    if paired is None:
        return ""
    closed, pct = paired.get("n"), paired.get("value")
    count = metrics.get("ucla_paired_n")
    if HIDDEN in (closed, pct) or count in (None, HIDDEN):
        return "<p>Coverage: hidden (too few closed episodes to show).</p>"
    return (
        f"<p><b>Coverage:</b> {_text(count)} of {_text(closed)} closed episodes have baseline "
        f"and end UCLA ({_text(pct)}%). Outcome coverage {_text(metrics.get('outcome_coverage_pct'))}%"
        f" (leaving out those who died, moved away or went into hospital); records complete "
        f"{_text(metrics.get('data_completeness_pct'))}%.</p>"
    )


def _outcomes(report: dict, labels: dict[str, str]) -> str:
    metrics = report.get("metrics", {})
    rows = _outcome_rows(report)
    if not rows:
        why = report.get("left_out") or "no outcome figures are published for this period"
        return f"<section><h2>Outcomes</h2><p>{_text(why)}</p></section>"
    warnings = "".join(
        f'<p class="warn">Warning: {escape(str(w))}</p>'
        for w in report.get("outcome_warnings") or []
    )
    by_trigger = [
        {**r, "title": group_title(r["group"], labels)}
        for r in rows
        if r["measure"] == "ucla_mean_change"
        and (r["group"] == "all" or r["group"].startswith("trigger:"))
    ]
    overall = [
        {**r, "title": title}
        for measure, title in MEAN_CHANGES
        for r in rows
        if r["measure"] == measure and r["group"] == "all"
    ]
    table_rows = [
        [
            r.get("description") or r["measure"],
            r.get("n"),
            _decimal(r.get("value"), r["measure"]),
            _interval(r),
        ]
        for r in rows
        if r["group"] == "all"
    ]
    return (
        "<section><h2>Outcomes: how people's scores changed</h2>"
        + _coverage_line(metrics, rows)
        + warnings
        + "<p>Each dot is a mean change from the start to the end of support; the line is its "
        "95% confidence interval. A line that crosses 0 is consistent with no change.</p>"
        + interval_chart(overall)
        + "</section>"
        + (
            "<section><h2>Loneliness change by trigger group</h2>"
            + interval_chart(by_trigger)
            + "</section>"
            if len([r for r in by_trigger if _number(r.get("ci_low")) is not None]) > 1
            else ""
        )
        + "<section><h2>Every outcome figure (everyone)</h2>"
        + _table(["Figure", "n", "Value", "95% interval"], table_rows)
        + "</section>"
    )


def _gaps(report: dict, labels: dict[str, str]) -> str:
    rows = report.get("breakdowns", {}).get("gaps") or []
    if not rows:
        return "<section><h2>Gaps: needs nothing could meet</h2><p>None recorded.</p></section>"
    return (
        "<section><h2>Gaps: needs nothing could meet</h2>"
        + _table(
            ["Category", "Area", "Why nothing fitted", "Count"],
            [
                [
                    r.get("label") or signpost_category_label(str(r.get("category"))),
                    r.get("area"),
                    labels.get(f"gap-reason:{r.get('reason')}", r.get("reason")),
                    r.get("count"),
                ]
                for r in rows
            ],
            numeric_from=3,
        )
        + "</section>"
    )


def _hidden_note(report: dict) -> str:
    k = report.get("suppress_below", 0)
    if not k:
        return (
            '<p class="warn">Unprotected: disclosure control was switched off for this report '
            "(--suppress-below 0). Do not share it outside the service.</p>"
        )
    return (
        f"<p>A <b>*</b> hides a figure to protect the people behind it: a count of who the "
        f"people are from 1 to {k - 1}, a count hidden so that another cannot be worked out by "
        f"subtraction, or an outcome figure from fewer than {k} people. A 0 is a real zero. "
        f"What the service did (activity) is never hidden.</p>"
    )


def _all_figures(metrics: dict, descriptions: dict[str, str]) -> str:
    """Every summary figure, each tagged with its metric name (`data-metric`), so the page can
    be checked against `report --json` figure by figure."""
    items = "".join(
        f'<div data-metric="{escape(name)}"><span>{escape(descriptions.get(name, name))}</span>'
        f'<span class="v">{_text(_decimal(value, name))}</span></div>'
        for name, value in metrics.items()
    )
    return f'<section><h2>Every summary figure</h2><div class="figs">{items}</div></section>'


def render_html(
    report: dict,
    *,
    labels: dict[str, str],
    scheme: str | None = None,
    descriptions: dict[str, str] | None = None,
) -> str:
    period = report.get("period", {})
    title = f"Connector service: figures for {period.get('label', '')}"
    meta = (
        f"{_text(scheme) + ' · ' if scheme else ''}"
        f"{_text(period.get('start'))} to {_text(period.get('end'))}"
        f"{' · as recorded on ' + _text(report['as_recorded_on']) if report.get('as_recorded_on') else ''}"
    )
    notes = "".join(f'<p class="note">{escape(str(n))}</p>' for n in report.get("notes", []))
    metrics = report.get("metrics", {})
    body = (
        f'<h1>{escape(title)}</h1><p class="meta">{meta}</p>{notes}'
        + _headline(metrics)
        + _sources(report, labels)
        + _contacts(metrics)
        + _outcomes(report, labels)
        + _gaps(report, labels)
        + _all_figures(metrics, descriptions or {})
        + f"<footer>{_hidden_note(report)}<p>Made by connector from the service's own "
        "records. Definitions: the programme's commissioner reporting definitions, as listed "
        "in connector's README.</p></footer>"
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )
