"""concern add|update|close|list: safeguarding concerns about a person."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    DateOpt,
    JsonOpt,
    NoInputOpt,
    Person,
    day_or_today,
    emit,
)

concern_app = typer.Typer(
    help="Safeguarding concerns: raise one, add to it, close it with its outcome, list them.",
    no_args_is_help=True,
)

ConcernId = Annotated[
    int, typer.Argument(metavar="CONCERN_ID", help="The concern's number (concern list).")
]
ReportedToOpt = Annotated[
    str | None,
    typer.Option(
        "--reported-to", metavar="WHO", help="Who it was reported to (e.g. adult social care)."
    ),
]
ReferenceOpt = Annotated[
    str | None, typer.Option("--reference", metavar="REF", help="Their reference number.")
]


def _ask_category(category: str | None, can_ask: bool) -> str:
    from connector_cli import codes, prompts

    return prompts.require(
        category,
        "--category",
        lambda: prompts.select(
            "Kind of concern:",
            [(c.slug, f"{c.label} - {c.definition}") for c in codes.CONCERN_CATEGORIES],
        ),
        can_ask=can_ask,
        what="concern category",
    )


@concern_app.command("add")
def add(
    person: Person,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            metavar="CATEGORY",
            help="physical, domestic, sexual, psychological, financial, modern-slavery, "
            "discriminatory, organisational, neglect, self-neglect or other.",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What was seen or said (never exported).")
    ] = None,
    reported_to: ReportedToOpt = None,
    reference: ReferenceOpt = None,
    date: DateOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a safeguarding concern about a person (open until closed with an outcome)."""
    from connector_cli import concerns, prompts, session
    from connector_cli.models import ConcernIn
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    category = _ask_category(category, can_ask)
    note = prompts.require(
        note,
        "--note",
        lambda: prompts.text("What was seen or said:", required=True),
        can_ask=can_ask,
        what="note of the concern",
    )
    concern = ConcernIn(
        date=day_or_today(date),
        category=category,
        note=note,
        reported_to=reported_to,
        reference=reference,
    )
    conn = session.open_db()
    with write(conn):
        saved = concerns.add_concern(conn, person=person, concern=concern)
    emit(
        as_json,
        {"concern_id": saved["id"]},
        f"Recorded safeguarding concern {saved['id']} ({saved['category']}) about "
        f"{saved['person_name']} on {saved['date']}; it stays open until `connector concern "
        f"close {saved['id']} --outcome TEXT`.",
    )


@concern_app.command("update")
def update(
    concern_id: ConcernId,
    note: Annotated[
        str | None, typer.Option("--note", help="Add a dated note (the first one is kept).")
    ] = None,
    reported_to: ReportedToOpt = None,
    reference: ReferenceOpt = None,
) -> None:
    """Add a note to a concern, or record who it was reported to and their reference."""
    from connector_cli import concerns, dates, session
    from connector_cli.models import ConcernChange
    from connector_cli.store import write

    given = {"note": note, "reported_to": reported_to, "reference": reference}
    change = ConcernChange(**{k: v for k, v in given.items() if v is not None})
    conn = session.open_db()
    with write(conn):
        saved, changed = concerns.update_concern(
            conn, concern_id=concern_id, change=change, today=dates.today()
        )
    typer.echo(
        f"Updated concern {concern_id} about {saved['person_name']}: "
        f"{', '.join(changed).replace('_', ' ')}."
    )


@concern_app.command("close")
def close(
    concern_id: ConcernId,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="What happened (never exported).")
    ] = None,
    date: DateOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Close a concern with its outcome."""
    from connector_cli import concerns, prompts, session
    from connector_cli.models import ConcernClose
    from connector_cli.store import write

    outcome = prompts.require(
        outcome,
        "--outcome",
        lambda: prompts.text("Outcome:", required=True),
        can_ask=session.interactive(no_input),
        what="outcome",
    )
    closing = ConcernClose(date=day_or_today(date), outcome=outcome)
    conn = session.open_db()
    with write(conn):
        saved = concerns.close_concern(conn, concern_id=concern_id, closing=closing)
    typer.echo(
        f"Closed concern {concern_id} about {saved['person_name']} on {saved['closed_date']}."
    )


@concern_app.command("list")
def list_(
    open_only: Annotated[
        bool, typer.Option("--open", help="Only concerns not yet closed.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Every safeguarding concern (open first), or only the open ones."""
    from connector_cli import concerns, render_registers, session

    found = concerns.list_concerns(session.open_db(), open_only=open_only)
    render_registers.concern_list(found, open_only=open_only, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(concern_app, name="concern")
