"""backup, restore, person export/forget, retention, audit: looking after people's data."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import JsonOpt, Person

YesOpt = Annotated[bool, typer.Option("--yes", help="Go ahead without asking.")]

person_app = typer.Typer(
    help="One person's record: correct details, subject access export, erasure.",
    no_args_is_help=True,
)


def _confirm(question: str, *, yes: bool, action: str) -> None:
    """Ask before a drastic action; without a terminal, --yes is required."""
    from connector_cli import prompts, session
    from connector_cli.errors import UserError

    if yes:
        return
    if not session.interactive():
        raise UserError(f"{action}: give --yes to confirm (there is no terminal to ask).")
    if not prompts.confirm(question, default=False):
        raise UserError("Cancelled: nothing was changed.")


def backup(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="File or folder for the copy (default: a 'backups' folder beside the database).",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep", metavar="N", min=1, help="Then delete all but the newest N backups there."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file at PATH (never a database).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Make a verified copy of the database (safe while connector is in use elsewhere)."""
    from connector_cli import privacy, render_privacy, session
    from connector_cli.errors import UserError

    db_file = session.db_path()
    if not db_file.exists():
        raise UserError(f"No database at {db_file} yet: nothing to back up.")
    done = privacy.backup(session.open_db(), db_file=db_file, path=path, keep=keep, force=force)
    render_privacy.backup_done(done, as_json=as_json)
    if done.audit_problem:  # the copy is complete and verified; only the log entry is missing
        typer.echo(
            f"Warning: the backup is fine, but its audit entry could not be written "
            f"({done.audit_problem}).",
            err=True,
        )


def restore(
    path: Annotated[str, typer.Argument(metavar="PATH", help="A backup made by connector backup.")],
    yes: YesOpt = False,
) -> None:
    """Replace the database with a backup, after checking it; the current one is kept aside."""
    from pathlib import Path

    from connector_cli import privacy, render_privacy, session

    candidate = privacy.check_restorable(Path(path).expanduser())
    db_file = session.db_path()
    held = render_privacy.counts_text(privacy.key_counts(candidate.tables))
    warning = privacy.shrink_warning(candidate, current=privacy.people_in(db_file))
    if warning:
        typer.echo(f"Warning: {warning}", err=True)
    _confirm(
        f"Replace the database at {db_file} with {candidate.path} ({held})? "
        "The current one is kept aside.",
        yes=yes,
        action="Restoring replaces the database",
    )
    render_privacy.restore_done(privacy.restore(candidate, db_file=db_file))


def export_person(
    person: Person,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write FILE.json and FILE.md (a .json or .md ending is dropped; a folder gets "
            "the default names). Default: person-N-subject-access.json and .md here.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
) -> None:
    """Subject access: everything held about a person, as JSON and as a printable file."""
    from connector_cli import dates, privacy, render_privacy, session
    from connector_cli.store.people import resolve_person

    conn = session.open_db()
    row = resolve_person(conn, person)
    done = privacy.export_person(
        conn,
        person_id=row["id"],
        out=out,
        exported_on=dates.today(),
        db_file=session.db_path(),
        markdown=render_privacy.subject_access_markdown,
        force=force,
    )
    render_privacy.export_done(done, name=row["name"], person_id=row["id"])


def forget_person(person: Person, yes: YesOpt = False) -> None:
    """Erase a person and everything linked to them, overwriting the data in the file."""
    from connector_cli import privacy, render_privacy, session
    from connector_cli.store.people import resolve_person

    conn = session.open_db()
    row = resolve_person(conn, person)
    held = render_privacy.counts_text(privacy.erasure_preview(conn, person_id=row["id"]))
    _confirm(
        f"Erase {row['name']} (#{row['id']}) and everything linked ({held})? "
        "This cannot be undone.",
        yes=yes,
        action="Erasing a person cannot be undone",
    )
    render_privacy.erasure_done(privacy.forget_person(conn, person_id=row["id"]), name=row["name"])
    _forget_history()


def _forget_history(*, say: bool = True) -> None:
    """The shell's history may hold an erased person's name as it was typed: it goes too."""
    from connector_cli import session
    from connector_cli.shell import forget_history

    if forget_history(session.db_path()) and say:
        typer.echo("The shell's history of typed commands was deleted too (it may name them).")


def retention(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            metavar="YEARS",
            min=1,
            help="Episodes that ended more than YEARS years ago (your scheme's retention period).",
        ),
    ],
    erase: Annotated[
        bool, typer.Option("--erase", help="Erase them (people with no other episode go too).")
    ] = False,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """List episodes past the retention period; with --erase --yes, erase them securely."""
    from connector_cli import dates, privacy, render_privacy, session

    cutoff = privacy.retention_cutoff(dates.today(), older_than).isoformat()
    conn = session.open_db()
    due = privacy.retention_due(conn, older_than=older_than, today=dates.today())
    if not erase or not due:
        render_privacy.retention_list(due, older_than=older_than, cutoff=cutoff, as_json=as_json)
        return
    if not as_json:
        render_privacy.retention_list(due, older_than=older_than, cutoff=cutoff, as_json=False)
    _confirm(
        f"Erase these {len(due)} episodes and everything linked? This cannot be undone.",
        yes=yes,
        action="Erasing records cannot be undone",
    )
    done = privacy.erase_episodes(conn, episodes=due, older_than=older_than)
    render_privacy.retention_done(done, as_json=as_json)
    _forget_history(say=not as_json)


def audit(as_json: JsonOpt = False) -> None:
    """The audit log: backups, restores, exports and erasures (counts only, no personal data)."""
    from connector_cli import privacy, render_privacy, session

    render_privacy.audit_log(privacy.audit_log(session.open_db()), as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    from connector_cli.commands.people import edit_person

    person_app.command("edit")(edit_person)
    person_app.command("export")(export_person)
    person_app.command("forget")(forget_person)
    app.add_typer(person_app, name="person")
    app.command("retention")(retention)
    app.command("audit")(audit)
