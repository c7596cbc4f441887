"""Rich output for the safeguarding concerns list and the volunteer register."""

from __future__ import annotations

from connector_cli import codes
from connector_cli.render import _e, _label, console, print_json


def concern_list(found: list[dict], *, open_only: bool, as_json: bool) -> None:
    if as_json:
        print_json({"concerns": found})
        return
    if not found:
        console().print("No open safeguarding concerns." if open_only else "No concerns recorded.")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("No.", justify="right", no_wrap=True)
    table.add_column("Raised", no_wrap=True)
    table.add_column("Person", overflow="fold", max_width=20)
    table.add_column("Category", overflow="fold", max_width=16)
    table.add_column("Reported to", overflow="fold", max_width=18)
    table.add_column("Status", overflow="fold", ratio=1, min_width=10)
    for c in found:
        reported = _e(c["reported_to"] or "not reported")
        if c["reference"]:
            reported += f" ({_e(c['reference'])})"
        status = (
            f"closed {c['closed_date']}: {_e(c['outcome'])}"
            if c["closed_date"]
            else "[bold red]open[/bold red]"
        )
        table.add_row(
            str(c["id"]),
            c["date"],
            f"{_e(c['person_name'])} #{c['person_id']}",
            _label(codes.CONCERN_CATEGORIES, c["category"]).split(" or ")[0],
            reported,
            status,
        )
    console().print(table)


def volunteer_list(found: dict, *, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    period = found["period"]
    out = console()
    if not found["volunteers"]:
        out.print("No volunteers in the register. Add one with `connector volunteer add NAME`.")
        return
    from rich.table import Table

    table = Table(
        title=f"Volunteers, {period['from']} to {period['to']}",
        title_justify="left",
        box=None,
        header_style="bold",
        pad_edge=False,
    )
    table.add_column("No.", justify="right", no_wrap=True)
    table.add_column("Name", overflow="fold", max_width=22)
    table.add_column("Phone", overflow="fold", max_width=15)
    table.add_column("Checked", no_wrap=True)
    for column in ("Contacts", "Minutes", "People"):
        table.add_column(column, justify="right", no_wrap=True)
    for v in found["volunteers"]:
        name = _e(v["name"]) + (
            f" [dim](retired {v['retired_date']})[/dim]" if v["retired_date"] else ""
        )
        table.add_row(
            str(v["id"]),
            name,
            _e(v["phone"] or ""),
            v["checked_date"] or "[yellow]not recorded[/yellow]",
            str(v["contacts"]),
            str(v["minutes"]),
            str(v["people"]),
        )
    out.print(table)
