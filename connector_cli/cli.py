"""The `connector` command: global options, command registration and the one error handler."""

from __future__ import annotations

import os
import sqlite3
from importlib import import_module

import click
import typer
from typer.core import TyperGroup

from connector_cli import __version__
from connector_cli.errors import UserError

# Each module in connector_cli/commands registers its commands on the root app.
COMMAND_MODULES = (
    "referrals",
    "conversation",
    "goals",
    "contacts",
    "signposts",
    "closure",
    "people",
    "measures",
    "caseload",
    "reports",
    "directory",
    "privacy",
    "demo",
)


class Refused(click.ClickException):
    """A UserError on its way out: one plain sentence on stderr, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


class ConnectorGroup(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as error:
            raise Refused(str(error)) from None
        except (KeyboardInterrupt, EOFError):
            raise Refused("Cancelled: nothing was saved.") from None
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise Refused(
                    "The database is busy in another window; nothing was saved. Try again."
                ) from None
            raise
        finally:
            from connector_cli.session import close_all

            close_all()


app = typer.Typer(
    cls=ConnectorGroup,
    name="connector",
    help="Caseload tool for community connectors: referrals, support, measures and reports.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"connector {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str = typer.Option(
        None,
        "--db",
        metavar="PATH",
        help="Database file (default: $CONNECTOR_DB, else your user data folder).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Caseload tool for community connectors: referrals, support, measures and reports."""
    ctx.obj = {"db": db}


for _name in COMMAND_MODULES:
    import_module(f"connector_cli.commands.{_name}").register(app)


def main() -> None:
    os.umask(0o077)  # every file we write (database, backups, exports) is private by default
    app(prog_name="connector")
