"""demo: build a realistic synthetic caseload to try the tool on."""

from __future__ import annotations

from typing import Annotated

import typer


def demo(
    people: Annotated[
        int, typer.Option("--people", metavar="N", help="How many people to invent.")
    ] = 60,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Same seed, same caseload (on the same day).")
    ] = 1,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Only build it; do not show the caseload afterwards.")
    ] = False,
) -> None:
    """Build a realistic synthetic caseload in an EMPTY database, then show it."""
    from connector_cli import render, session
    from connector_cli.demo import build_demo
    from connector_cli.store import write

    _refuse_default_location(session.db_path())
    conn = session.open_db()
    with write(conn):
        counts = build_demo(conn, people=people, seed=seed)
    render.demo_summary(counts, session.db_path())
    if not quiet:
        from connector_cli.commands.caseload import caseload

        caseload()


def _refuse_default_location(path) -> None:
    """Invented people must never mix with real records: the demo needs a file of its own."""
    from connector_cli.errors import UserError
    from connector_cli.store import default_path

    if path.resolve() == default_path().resolve():
        raise UserError(
            "The demo invents people, so it will not write into your own records: "
            "give it a file of its own, e.g. `connector --db demo.db demo`."
        )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
