"""caseload, check and config: where everyone stands, what is missing, the scheme's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import JsonOpt, emit

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


AllOpt = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Check the whole history, every year (slower). Without it: open episodes, "
        "follow-ups still to take, and all work since the start of the previous quarter.",
    ),
]


def check(everything: AllOpt = False, as_json: JsonOpt = False) -> None:
    """Find gaps in current work's records, each with the command that fixes it (exit 1 if any).

    Current work: open episodes, follow-ups still to take and everything since the start of the
    previous quarter; `--all` checks the whole history. Prints nothing and exits 0 when the
    records are complete; one line on stderr says what it checked. Never changes anything.
    """
    import time

    from connector_cli import caseload as domain
    from connector_cli import dates, render_caseload, session

    started = time.perf_counter()
    conn = session.open_db()
    session.note_if_empty(conn)
    result = domain.check(conn, today=dates.today(), figure=as_json, everything=everything)
    render_caseload.check(result, as_json=as_json)
    render_caseload.check_scope(result.scope, seconds=time.perf_counter() - started)
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
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help="A whole number, 1 or more (scheme-name, scheme-code, scheme-contact: text).",
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Change a setting, e.g. `connector config set support_weeks 16`, or name the scheme for
    exports: `config set scheme-name "North Leeds Connect"`, `config set scheme-code NLC`."""
    from connector_cli import caseload as domain
    from connector_cli import render_caseload, session, settings
    from connector_cli.store import write

    conn = session.open_db()
    name = key.strip().casefold()
    if name in settings.TEXT_SETTINGS:
        with write(conn):
            stored = domain.change_setting(conn, key=name, value=value).value
        emit(as_json, {"key": name, "value": stored}, f"{name} = {stored}.")
        return
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


areas_app = typer.Typer(
    help="The scheme's areas: a gap's --area must be one of them (gaps.csv never holds free text).",
    invoke_without_command=True,
)
AreaArg = Annotated[str, typer.Argument(metavar="AREA", help="An area's name, e.g. North.")]


@areas_app.callback()
def areas(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the scheme's areas; `config areas add|remove AREA` changes them."""
    if ctx.invoked_subcommand is not None:
        return
    areas_list(as_json)


@areas_app.command("list")
def areas_list(as_json: JsonOpt = False) -> None:
    """List the scheme's areas."""
    from connector_cli import session, settings

    found = settings.areas(session.open_db())
    text = "\n".join(found) if found else "No areas configured: `connector config areas add AREA`."
    emit(as_json, {"areas": found}, text)


@areas_app.command("add")
def areas_add(area: AreaArg, as_json: JsonOpt = False) -> None:
    """Add an area (gaps are counted by area in reports)."""
    from connector_cli import session, settings
    from connector_cli.store import write
    from connector_cli.store.audit import record

    conn = session.open_db()
    with write(conn):
        added = settings.add_area(conn, area)
        record(conn, "config-area-add", area=added)
    emit(as_json, {"area": added}, f"Area '{added}' added.")


@areas_app.command("remove")
def areas_remove(area: AreaArg, as_json: JsonOpt = False) -> None:
    """Remove an area (gaps already recorded in it are reported as not-recorded)."""
    from connector_cli import session, settings
    from connector_cli.store import write
    from connector_cli.store.audit import record

    conn = session.open_db()
    with write(conn):
        removed = settings.remove_area(conn, area)
        record(conn, "config-area-remove", area=removed)
    emit(as_json, {"area": removed}, f"Area '{removed}' removed.")


def register(app: typer.Typer) -> None:
    app.command("caseload")(caseload)
    app.command("check")(check)
    config_app.add_typer(areas_app, name="areas")
    app.add_typer(config_app, name="config")
