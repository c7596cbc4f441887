"""The `connector` command: global options, command registration and the one error handler."""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
from importlib import import_module

import typer
from typer.core import TyperGroup

from connector_cli import __version__, completion, startup
from connector_cli.errors import UserError

startup.use_plain_values()

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
    "shell",
    "corrections",
    "diary",
    "notes",
    "imports",
    "concerns",
    "volunteers",
    "letters",
)


def printable(text: str) -> str:
    """User text made safe for a terminal (an error message repeats what was typed)."""
    from connector_cli.clean import for_terminal

    return for_terminal(text)


def refuse(message: str, code: int = 1) -> typer.Exit:
    """A refused action on its way out: one plain sentence on stderr, exit 1."""
    typer.echo(printable(message), err=True)
    return typer.Exit(code=code)


def _undecodable_argument(args: list[str]) -> int | None:
    """The position of the first argument that is not valid text (bytes Python could not decode
    as UTF-8 arrive as lone surrogates), or None."""
    for position, arg in enumerate(args, start=1):
        if isinstance(arg, str) and any("\udc80" <= ch <= "\udcff" for ch in arg):
            return position
    return None


def _validation_sentence(error) -> str:
    """A pydantic ValidationError as one sentence (our validators raise UserError themselves;
    this catches type errors such as an empty required value)."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]).replace("_", "-")
    return f"Invalid value for {field}: {first['msg'].lower()}."


STORAGE_PROBLEMS = {
    "locked": "The database is busy in another window; nothing was saved. Try again.",
    "busy": "The database is busy in another window; nothing was saved. Try again.",
    "readonly": "The database file is read-only, so nothing was saved. Check its permissions.",
    "full": "The disk is full, so nothing was saved. Free some space and try again.",
    "disk i/o": "The disk could not be read or written (disk I/O error); nothing was saved.",
    "unable to open": "The database file could not be opened (is the path a folder, or on a "
    "missing drive?).",
    "no such table": "The database is missing part of connector's structure ({detail}); "
    "nothing was saved. Restore a backup (`connector restore`).",
    "no such column": "The database is missing part of connector's structure ({detail}); "
    "nothing was saved. Restore a backup (`connector restore`).",
    "pattern too complex": "A value given is far too long to search for; nothing was saved.",
    "too big": "A value given is far too long; nothing was saved.",
    "malformed": "The database file is damaged ({detail}); nothing was saved. Restore a backup "
    "(`connector restore`).",
}


def _storage_sentence(error: Exception) -> str:
    """A problem with the file itself, as a sentence; anything else is a bug and re-raised."""
    text = str(error).lower()
    for clue, sentence in STORAGE_PROBLEMS.items():
        if clue in text:
            return sentence.format(detail=str(error))
    raise error


class ConnectorGroup(TyperGroup):
    def parse_args(self, ctx, args):
        position = _undecodable_argument(args)
        if position is not None:
            raise refuse(
                f"Argument {position} is not valid text (it is not UTF-8); retype it, or set "
                "your terminal to UTF-8."
            )
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as error:
            raise refuse(str(error)) from None
        except ValueError as error:
            if type(error).__module__.startswith("pydantic"):
                raise refuse(_validation_sentence(error)) from None
            if "integer string conversion" in str(error):  # a number thousands of digits long
                raise refuse("A number given is far too large; nothing was saved.") from None
            raise
        except (KeyboardInterrupt, EOFError):
            raise refuse("Cancelled: nothing was saved.") from None
        except OverflowError:
            raise refuse("A number given is far too large; nothing was saved.") from None
        except (sqlite3.OperationalError, sqlite3.DataError) as error:
            raise refuse(_storage_sentence(error)) from None
        except OSError as error:
            from connector_cli.files import os_sentence

            where = error.filename if error.filename is not None else "the file"
            raise refuse(os_sentence(error, where, doing="use")) from None
        except UnicodeError:
            raise refuse("A value given is not valid text; nothing was saved.") from None
        finally:
            from connector_cli.session import close_all

            close_all()


app = typer.Typer(
    cls=ConnectorGroup,
    name="connector",
    help="Caseload tool for community connectors: referrals, support, measures and reports.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # --install-completion / --show-completion; answered by completion.py
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # not while Tab completion reads the line
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
    from connector_cli import session

    session.set_db_option(db)


for _name in COMMAND_MODULES:
    import_module(f"connector_cli.commands.{_name}").register(app)


GC_EVERY = 50_000


def main() -> None:
    os.umask(0o077)  # every file we write (database, backups, exports) is private by default
    # Collect reference cycles every 50,000 new objects, not every 700: a command builds its
    # rows and tables in one go, and on a large caseload the default made Python walk them
    # again and again (a sixth of `caseload`'s time at 100,000 people). Cycles are still
    # collected, so a long `connector shell` session stays bounded.
    gc.set_threshold(GC_EVERY, *gc.get_threshold()[1:])
    try:
        if completion.requested():
            completion.answer(app)  # the shell asking for candidates (Tab): prints them, exits
        startup.app_for(app, sys.argv[1:])(prog_name="connector")
    finally:
        gc.freeze()  # on the way out: spare Python walking every object again at shutdown
