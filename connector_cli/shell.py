"""`connector shell`: one process for an afternoon of entries.

Each line is a connector command without the word `connector`, run by the same click command
tree the command line uses, so it prints the same output, refuses the same things and exits
with the same status (shown as `[exit N]` when it is not 0). Every command opens the database
itself and closes it when done (one transaction each); `--db` is fixed for the session.

At a terminal the line is read with prompt_toolkit (imported here only), with Tab completion
(completion.py, the same as the shell's) and a history file beside the database. Without a
terminal, lines are read from standard input, so a script can be piped in; the session then
ends with the status of its last command, like `sh`.
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback
from pathlib import Path

import typer

from connector_cli import completion

PROMPT = "connector> "
LEAVE_WORDS = ("exit", "quit")
SHELL_WORDS = (("help", "This help, or `help COMMAND`"), ("exit", "Leave the shell (or Ctrl-D)"))

HELP = """\
Type a connector command without the word `connector`, e.g. `visit log marg --kind telephone
--minutes 15`. Tab completes commands, options, people and codes. `help COMMAND` shows a
command's help; Ctrl-C clears the line; Ctrl-D or `exit` leaves. Each command runs on its own,
exactly as on the command line; a refused one shows its exit status, e.g. [exit 1].
"""


class Leave(Exception):
    """`exit` or `quit` was typed."""


def history_path(db: Path) -> Path:
    return db.with_name(db.name + ".history")


def forget_history(db: Path) -> bool:
    """Delete the history file (it may hold an erased person's name, as typed); True if there
    was one. Called by `person forget` and `retention --erase`."""
    try:
        history_path(db).unlink()
    except FileNotFoundError:
        return False
    return True


def kept_in_history(line: str) -> bool:
    """Questionnaire answers never reach the history file: no `--answer` (what matters), no
    `--lonely`, and no `score` line (`ucla score 3 3 2 ...` holds the answers themselves).
    Lines that cannot be read are left out too."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    for word in words:
        if word.split("=", 1)[0] in ("--answer", "--lonely"):
            return False
    commands = [word for word in words if not word.startswith("-")]
    return bool(commands) and "score" not in commands  # wherever it stands: better too careful


def build():
    """The whole command tree, built once for the session, with completion attached."""
    from connector_cli.cli import app

    root = typer.main.get_command(app)
    completion.attach(root)
    return root


def run_command(root, db: Path, words: list[str]) -> int:
    """Run `connector --db DB WORDS` in this process and return its exit status."""
    from connector_cli import session

    try:
        root.main(args=["--db", str(db), *words], prog_name="connector")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except Exception:  # a bug: shown as the command line would, and the session goes on
        traceback.print_exc()
        code = 1
    finally:
        session.close_all()
        session.set_db_option(None)
        sys.stdout.flush()
    return code


def run_line(root, db: Path, line: str) -> int | None:
    """Run one typed line; None for a blank line or a comment. Raises Leave for exit/quit."""
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    try:
        words = shlex.split(line)
    except ValueError as error:
        typer.echo(f"Could not read that line: {str(error).lower()}.", err=True)
        return 2
    if words[0] == "connector":  # typed from habit
        words = words[1:]
    if not words:
        return None
    if words[0] in LEAVE_WORDS and len(words) == 1:
        raise Leave
    if words[0] == "help":
        if len(words) == 1:
            typer.echo(HELP)
        return run_command(root, db, [*words[1:], "--help"])
    if words[0] == "shell":
        typer.echo("You are in the shell already.", err=True)
        return 1
    if words[0] == "--db" or words[0].startswith("--db="):
        typer.echo(
            f"The shell works on {db} until you leave it; for another file, leave and run "
            "`connector --db FILE shell`.",
            err=True,
        )
        return 1
    return run_command(root, db, words)


def _run_and_show(root, db: Path, line: str) -> int | None:
    code = run_line(root, db, line)
    if code:
        typer.echo(f"[exit {code}]", err=True)
    sys.stderr.flush()
    return code


def run_shell(db: Path, *, interactive: bool) -> int:
    """The session; returns the status to exit with."""
    root = build()
    if interactive:
        return _at_terminal(root, db)
    status = 0
    for line in sys.stdin:
        try:
            code = _run_and_show(root, db, line)
        except Leave:
            break
        if code is not None:
            status = code
    return status


# --- At a terminal ------------------------------------------------------------------------------


def words_before_cursor(text: str) -> tuple[list[str], str, int]:
    """The complete words before the cursor, the word being typed (unquoted) and where it
    starts, reading quotes and backslashes as a shell does."""
    words, current, start, quote, escaped = [], [], None, None, False
    for i, char in enumerate(text):
        if start is None:
            if char.isspace():
                continue
            start = i
        if escaped:
            current.append(char)
            escaped = False
        elif quote:
            if char == quote:
                quote = None
            elif char == "\\" and quote == '"':
                escaped = True
            else:
                current.append(char)
        elif char in "'\"":
            quote = char
        elif char == "\\":
            escaped = True
        elif char.isspace():
            words.append("".join(current))
            current, start = [], None
        else:
            current.append(char)
    if start is None:
        return words, "", len(text)
    return words, "".join(current), start


def line_candidates(root, db: Path, text: str) -> tuple[list[tuple[str, str]], int]:
    """Candidates for the text before the cursor, and where the word they replace starts."""
    words, incomplete, start = words_before_cursor(text)
    if words[:1] == ["connector"]:
        words = words[1:]
    found = []
    if not words:
        found = [(w, h) for w, h in SHELL_WORDS if w.startswith(incomplete)]
    elif words[0] == "help":
        words = words[1:]
    try:
        found += completion.candidates(root, ["--db", str(db), *words], incomplete)
    except Exception:  # a line click cannot make sense of: no candidates, the session goes on
        pass
    return found, start


def _private_history(path: Path):
    from prompt_toolkit.history import FileHistory

    class PrivateHistory(FileHistory):
        """The command lines typed, in a file only its owner can read (0600), without any
        questionnaire answers; not written until the database's folder exists."""

        def append_string(self, string: str) -> None:
            if kept_in_history(string):
                super().append_string(string)

        def store_string(self, string: str) -> None:
            if not path.parent.is_dir():
                return
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.chmod(path, 0o600)
            super().store_string(string)

    return PrivateHistory(str(path))


def _completer(root, db: Path):
    from prompt_toolkit.completion import Completer, Completion

    class LineCompleter(Completer):
        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            found, start = line_candidates(root, db, text)
            for value, meta in found:
                yield Completion(
                    shlex.quote(value),
                    start_position=start - len(text),
                    display=value,
                    display_meta=meta,
                )

    return LineCompleter()


def _at_terminal(root, db: Path) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.shortcuts import CompleteStyle

    prompt = PromptSession(
        history=_private_history(history_path(db)),
        completer=_completer(root, db),
        complete_while_typing=False,
        complete_style=CompleteStyle.READLINE_LIKE,  # Tab as in bash, and answered at once
    )
    typer.echo(f"connector shell on {db}: type help for the commands, Ctrl-D to leave.")
    path = history_path(db)
    while True:
        try:
            line = prompt.prompt(PROMPT)
        except KeyboardInterrupt:  # Ctrl-C: the line is cleared, the session goes on
            continue
        except EOFError:  # Ctrl-D
            return 0
        try:
            _run_and_show(root, db, line)
        except Leave:
            return 0
        if not path.exists() and prompt.history.get_strings():  # an erasure removed it
            prompt.history = prompt.default_buffer.history = _private_history(path)
