"""Options shared by many commands, so every command spells them the same way."""

from __future__ import annotations

from typing import Annotated

import typer

Person = Annotated[
    str,
    typer.Argument(
        metavar="PERSON", help="Person's number, or part of their name.", show_default=False
    ),
]
EpisodeOpt = Annotated[
    int | None,
    typer.Option("--episode", metavar="N", help="Act on episode N instead of the current one."),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DATE",
        help="YYYY-MM-DD, DD/MM/YYYY, today or yesterday (default: today).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]
NoInputOpt = Annotated[
    bool, typer.Option("--no-input", help="Never prompt: a missing value is an error.")
]


def emit(as_json: bool, data: dict, message: str) -> None:
    """Print the JSON object for scripts, or the human sentence."""
    if as_json:
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(message)


def day_or_today(text: str | None, what: str = "date"):
    from connector_cli import dates

    return dates.parse_past_date(text, what=what) if text else dates.today()
