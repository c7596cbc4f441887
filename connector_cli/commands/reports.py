"""`connector report` and `connector export`: the quarterly figures for commissioners."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

QUARTER_HELP = "Calendar quarter (2026Q3) or financial-year quarter (2026-27Q1)."
YEAR_HELP = "Calendar year (2026) or financial year (2026-27, April to March)."
K_HELP = (
    "Disclosure control: hide characteristic counts from 1 to K-1 and outcomes from fewer "
    "than K people (2-20; 0 turns protection off)."
)


def register(app) -> None:
    app.command("report")(report)
    app.command("export")(export)


def _period(quarter: str | None, year: str | None, start: str | None, end: str | None):
    from connector_cli.dates import parse_date, parse_quarter, parse_year, period_from_dates
    from connector_cli.errors import UserError

    given = [quarter is not None, year is not None, start is not None or end is not None]
    if sum(given) > 1:
        raise UserError("Give one period: --quarter, --year, or --from and --to.")
    if quarter is not None:
        return parse_quarter(quarter)
    if year is not None:
        return parse_year(year)
    if start is None or end is None:
        raise UserError(
            "Say which period: --quarter 2026Q3, --year 2026-27, or both --from DATE and --to DATE."
        )
    return period_from_dates(
        parse_date(start, what="--from date"), parse_date(end, what="--to date")
    )


def _threshold(k: int) -> int:
    from connector_cli.errors import UserError
    from connector_cli.suppression import MAX_K, MIN_K

    if k != 0 and not MIN_K <= k <= MAX_K:
        reason = " (1 would hide nothing)" if k == 1 else ""
        raise UserError(
            f"--suppress-below must be from {MIN_K} to {MAX_K}, or 0 to turn protection off; "
            f"not {k}{reason}."
        )
    if k == 0:
        _warn(
            "Warning: disclosure control is off (--suppress-below 0). Small numbers are shown "
            "and could identify people: do not share these figures outside the service."
        )
    return k


def _warn(text: str) -> None:
    """A warning on stderr, word-wrapped to the terminal's width (never cut mid-word)."""
    import textwrap

    from connector_cli.render import console

    typer.echo(textwrap.fill(text, width=console(stderr=True).width), err=True)


Quarter = Annotated[str | None, typer.Option("--quarter", metavar="Q", help=QUARTER_HELP)]
Year = Annotated[str | None, typer.Option("--year", metavar="YEAR", help=YEAR_HELP)]
From = Annotated[
    str | None, typer.Option("--from", metavar="DATE", help="First day of the period.")
]
To = Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day of the period.")]
SuppressBelow = Annotated[int, typer.Option("--suppress-below", metavar="K", help=K_HELP)]


def report(
    quarter: Quarter = None,
    year: Year = None,
    start: From = None,
    end: To = None,
    suppress_below: SuppressBelow = 5,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as one JSON object.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Also write the figures as a printable A4 page."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --html file if it exists.")
    ] = False,
) -> None:
    """Show the commissioner figures for a period: referrals, support, outcomes."""
    from connector_cli import render_reports
    from connector_cli.dates import today
    from connector_cli.reports import published_figures
    from connector_cli.session import note_if_empty, open_db

    period = _period(quarter, year, start, end)
    k = _threshold(suppress_below)
    note_if_empty(open_db())
    published = published_figures(open_db(), period=period, k=k)
    if as_json:
        typer.echo(render_reports.report_json(published, today=today()))
    else:
        render_reports.print_report(published, today=today())
    if html is not None:
        from connector_cli.render_report_page import write_report_page

        path = write_report_page(open_db(), published, html, force=force)
        typer.echo(f"Wrote the printable report to {path}.", err=as_json)


def export(
    quarter: Quarter = None,
    year: Year = None,
    start: From = None,
    end: To = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", help="Folder to write (default: a new connector-PERIOD)."
        ),
    ] = None,
    records: Annotated[
        bool,
        typer.Option(
            "--records", help="Also write episodes.csv: one pseudonymised row per episode."
        ),
    ] = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="Start each CSV with a byte-order mark (Excel).")
    ] = False,
    suppress_below: SuppressBelow = 5,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the files in an existing folder.")
    ] = False,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write figures.xlsx: every file as a workbook.")
    ] = False,
) -> None:
    """Write the commissioner files (summary.csv, breakdowns, manifest.json) to a folder."""
    from connector_cli import render_reports
    from connector_cli.dates import today
    from connector_cli.export import default_folder, write_export
    from connector_cli.session import note_if_empty, open_db

    period = _period(quarter, year, start, end)
    k = _threshold(suppress_below)
    folder = out if out is not None else default_folder(period)
    note_if_empty(open_db())
    result = write_export(
        open_db(),
        period=period,
        folder=folder,
        suppress_below=k,
        records=records,
        excel=excel,
        force=force,
        xlsx=xlsx,
    )
    render_reports.print_export(result, period=period, today=today())
    if records:
        _warn(
            "Warning: episodes.csv holds one row per episode. Pseudonymised rows are still "
            "personal data: store and send them only under your data-sharing agreement."
        )
