"""shell: an interactive session of connector commands in one process."""

from __future__ import annotations

import typer


def shell() -> None:
    """A session of commands typed without `connector`: Tab completion, history, one process."""
    from connector_cli import session
    from connector_cli.shell import run_shell

    code = run_shell(session.db_path(), interactive=session.interactive())
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("shell")(shell)
