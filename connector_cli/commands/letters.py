"""letter: a printable letter to the referrer or GP (Markdown and an A4 HTML page)."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import EpisodeOpt, JsonOpt, Person


def letter(
    person: Person,
    about: Annotated[
        str,
        typer.Option(
            "--about",
            metavar="WHAT",
            help="accepted, declined or closed: what the letter is about.",
        ),
    ],
    to: Annotated[
        str, typer.Option("--to", metavar="WHO", help="referrer (default) or gp.")
    ] = "referrer",
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write FILE.md and FILE.html (default letter-N-ABOUT here).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace letters already there.")] = False,
    episode: EpisodeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a letter to the referrer or GP; says what it left out for lack of consent."""
    from connector_cli import dates, letters, render_letter, session
    from connector_cli.store import write
    from connector_cli.store.audit import record
    from connector_cli.store.reports import snapshot

    conn = session.open_db()
    with snapshot(conn):  # every part of the letter read from one moment
        written = letters.build_letter(
            conn,
            person=person,
            about=about.strip().casefold(),
            to=to.strip().casefold(),
            episode_id=episode,
            today=dates.today(),
        )
    paths = letters.letter_paths(written.person_id, written.about, out)
    letters.check_writable(paths, force=force, db_path=session.db_path())
    letters.write_private(paths[0], render_letter.markdown(written), force=force)
    letters.write_private(paths[1], render_letter.html_page(written), force=force)
    with write(conn):
        record(conn, "letter", about=written.about, to=written.to, left_out=len(written.left_out))
    _report(written, paths, as_json)


def _report(written, paths, as_json: bool) -> None:
    from connector_cli.commands._options import emit

    consent = {True: "consent to share: yes", False: "no consent to share"}.get(
        written.consent, "consent to share not recorded"
    )
    lines = [f"Wrote {paths[0]} and {paths[1]} ({written.subject}, to {written.recipient})."]
    if written.left_out:
        lines.append(f"Left out ({consent}): {'; '.join(written.left_out)}.")
    else:
        lines.append(f"Nothing left out for want of consent ({consent}).")
    if written.never_sent:
        lines.append(f"Never in a letter: {'; '.join(written.never_sent)}.")
    emit(
        as_json,
        {
            "markdown": str(paths[0]),
            "html": str(paths[1]),
            "sections": [s.title for s in written.sections],
            "left_out": written.left_out,
            "never_sent": written.never_sent,
        },
        "\n".join(lines),
    )


def register(app: typer.Typer) -> None:
    app.command("letter")(letter)
