"""caseload, check and config: where everyone stands, what is missing, the scheme's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import JsonOpt

config_app = typer.Typer(
    help="The scheme's settings (support length, review week, warning thresholds): "
    "`connector config` lists them, `config set KEY VALUE` changes one.",
    invoke_without_command=True,
)

KeyArg = Annotated[
    str, typer.Argument(metavar="KEY", help="A setting, as `connector config` lists them.")
]


def caseload(as_json: JsonOpt = False) -> None:
    """Every open episode, most urgent first, then closed episodes whose follow-up is due."""
    from connector_cli import caseload as domain
    from connector_cli import dates, render_caseload, session

    conn = session.open_db()
    session.note_if_empty(conn)
    data = domain.caseload(conn, today=dates.today())
    render_caseload.caseload(data, as_json=as_json)


def check(as_json: JsonOpt = False) -> None:
    """Find gaps in the records; each with the command that fixes it (exit 1 if any).

    Prints nothing and exits 0 when the records are complete. Never changes anything.
    """
    from connector_cli import caseload as domain
    from connector_cli import dates, render_caseload, session

    conn = session.open_db()
    session.note_if_empty(conn)
    result = domain.check(conn, today=dates.today(), figure=as_json)
    render_caseload.check(result, as_json=as_json)
    if not result.complete:
        raise typer.Exit(code=1)


@config_app.callback()
def config(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the settings; `config set KEY VALUE` changes one, `config reset KEY` undoes it."""
    if ctx.invoked_subcommand is not None:
        return
    from connector_cli import caseload as domain
    from connector_cli import render_caseload, session

    render_caseload.settings_table(domain.list_settings(session.open_db()), as_json=as_json)


@config_app.command("set")
def config_set(
    key: KeyArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="A whole number, 1 or more.")],
    as_json: JsonOpt = False,
) -> None:
    """Change a setting, e.g. `connector config set support_weeks 16`."""
    from connector_cli import caseload as domain
    from connector_cli import render_caseload, session
    from connector_cli.store import write

    conn = session.open_db()
    with write(conn):
        setting = domain.change_setting(conn, key=key, value=value)
    render_caseload.setting_changed(setting, as_json=as_json)


@config_app.command("reset")
def config_reset(key: KeyArg, as_json: JsonOpt = False) -> None:
    """Put a setting back to its default."""
    from connector_cli import caseload as domain
    from connector_cli import render_caseload, session
    from connector_cli.store import write

    conn = session.open_db()
    with write(conn):
        setting = domain.reset_setting(conn, key=key)
    render_caseload.setting_changed(setting, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command("caseload")(caseload)
    app.command("check")(check)
    app.add_typer(config_app, name="config")
