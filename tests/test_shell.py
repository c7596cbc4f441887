"""`connector shell`: a scripted session prints, refuses and stores exactly what the same
commands do run one by one; at a terminal it completes, keeps a private history without
questionnaire answers, and Ctrl-C / Ctrl-D do what a shell's do."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
import time
from pathlib import Path

from conftest import ok, rows, run, snapshot
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from connector_cli import shell

ROOT = Path(__file__).parent.parent

# A morning's entries, refusals and mistakes included.
SESSION = """\
new-referral --name "Margaret Hughes" --source nhs-gp --trigger bereaved --dob 02/05/1948 --json
referral accept marg
visit log Margaret --kind face-to-face --minutes 90 --location home
what-matters Margaret --answer matters-most="Getting back to church"
ucla score 3 3 2 --lonely often-always --person Margaret --stage baseline
swemwbs score 2 2 3 2 3 2 3 --person 1 --stage baseline --json
goal add Margaret "Go back to the Tuesday lunch club" --domain friends
signpost add Margaret --to "St Mary's lunch club" --category third-sector/lunch-club
signpost outcome 1 still-attending
visit log Nobody --kind telephone --minutes 15
visit log Margaret --kind telephone --minutes abc
goal review Margaret 1 --progress achieved
visit log Margaret --kind telephone --minutes 15 --json
people
show Margaret
caseload
check
close Margaret --reason no-such-reason
"""


def connector(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "connector_cli", "--db", str(db), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stored(db: Path) -> dict:
    """Every row, with the moments of writing (created_at, migrations' times) blanked."""
    moment = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[^']*")
    return {table: moment.sub("<when>", repr(data)) for table, data in snapshot(db).items()}


def test_a_scripted_session_matches_the_commands_run_one_by_one(tmp_path):
    alone, together = tmp_path / "alone.db", tmp_path / "together.db"
    expected_out, expected_err = [], []
    for line in SESSION.splitlines():
        done = connector(*shlex.split(line), db=alone)
        expected_out.append(done.stdout)
        expected_err.append(
            done.stderr + (f"[exit {done.returncode}]\n" if done.returncode else "")
        )
    codes = [int(c) for c in re.findall(r"\[exit (\d)\]", "".join(expected_err))]
    assert codes == [1, 2, 1, 1]  # nobody, minutes abc, check finds gaps, unknown reason

    session = connector("shell", db=together, stdin=SESSION)
    assert session.stdout == "".join(expected_out)
    assert session.stderr == "".join(expected_err)
    assert session.returncode == 1  # the last command's status, as sh does
    assert stored(together) == stored(alone)
    assert len(rows(together, "SELECT * FROM contacts")) == 2
    assert rows(together, "SELECT score FROM measures WHERE instrument = 'ucla3'") == [{"score": 8}]


def test_a_refused_command_shows_its_exit_status_and_the_session_goes_on(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    before = snapshot(db_path)
    result = run("shell", input="referral accept nobody\nshow --json\npeople --json\n")
    assert result.stderr.splitlines()[:2] == [
        "No person matches 'nobody'. See `connector people --all`.",
        "[exit 1]",
    ]
    assert result.stderr.count("[exit 2]") == 1  # show needs a PERSON: a usage error
    assert '"name": "Margaret Hughes"' in result.stdout  # the last command ran
    assert result.exit_code == 0
    assert snapshot(db_path) == before


def test_empty_input_leaves_at_once_and_creates_nothing(db_path):
    started = time.perf_counter()
    result = run("shell", input="")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert time.perf_counter() - started < 5
    assert not db_path.parent.exists()


def test_lines_the_shell_reads_itself(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    script = (
        "# a comment, then a blank line\n\n"
        'show "Margaret\n'  # no closing quote
        "--db other.db people\n"
        "shell\n"
        "connector people --json\n"  # the word connector, from habit
        "help visit log\n"
        "exit\n"
        "people --json\n"  # after exit: never run
    )
    result = run("shell", input=script)
    assert result.stderr.splitlines() == [
        "Could not read that line: no closing quotation.",
        "[exit 2]",
        f"The shell works on {db_path} until you leave it; for another file, leave and run "
        "`connector --db FILE shell`.",
        "[exit 1]",
        "You are in the shell already.",
        "[exit 1]",
    ]
    assert result.stdout.count('"name": "Margaret Hughes"') == 1
    assert "Usage: connector visit log" in result.stdout
    assert result.exit_code == 0
    assert not (db_path.parent / "other.db").exists()


def test_help_says_how_the_shell_works_then_lists_the_commands(db_path):
    result = run("shell", input="help\n")
    assert result.stdout.startswith(shell.HELP)
    assert "visit" in result.stdout and "Usage: connector" in result.stdout


# --- History -------------------------------------------------------------------------------


def test_questionnaire_answers_never_reach_the_history():
    kept = [
        "visit log marg --kind telephone --minutes 15",
        "show 12",
        "what-matters Margaret",  # the guided conversation: the answers are typed at prompts
        "survey take wemwbs --person 1 --stage baseline",
        "connector people",
    ]
    left_out = [
        "ucla score 3 3 2 --person marg --stage baseline",
        "connector swemwbs score 2 2 3 2 3 2 3",
        "ons4 --json score 4 5 4 7",
        "--db other.db ucla score 1 2 3",
        "ucla score --lonely often-always",
        "what-matters Margaret --answer matters-most=church",
        "what-matters Margaret --answer=barriers=transport",
        'show "unclosed',
        "",
    ]
    assert [line for line in kept + left_out if shell.kept_in_history(line)] == kept


@given(st.text())
def test_any_line_is_judged_for_history_without_error(line):
    shell.kept_in_history(line)


# --- At a terminal (prompt_toolkit pipe input) --------------------------------------------------

TAB, ENTER, CTRL_C, CTRL_D = "\t", "\r", "\x03", "\x04"


def at_terminal(monkeypatch, *keys: str):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        return run("shell")


def test_at_a_terminal_tab_completes_and_history_is_private(db_path, monkeypatch):
    ok("new-referral", "--name", "Margaret Hughes", "--status", "accepted", "--no-input")
    result = at_terminal(
        monkeypatch,
        "visit log marga",
        TAB,  # -> 'Margaret Hughes' (quoted)
        " --kind tele",
        TAB,  # -> telephone
        " --minutes 15",
        ENTER,
        ENTER,  # its date: blank for today
        ENTER,  # its note: none
        "ucla score 3 3 2 --person 1 --stage baseline",
        ENTER,
        "half a line then Ctrl-C",
        CTRL_C,
        "visit log 1 --kind video --minutes x",
        ENTER,
        CTRL_D,
    )
    assert result.exit_code == 0, result
    assert "Logged a phone call with Margaret Hughes" in result.stdout
    assert "[exit 2]" in result.stderr  # --minutes x
    assert rows(db_path, "SELECT kind, minutes FROM contacts") == [
        {"kind": "telephone", "minutes": 15}
    ]
    assert len(rows(db_path, "SELECT * FROM measures")) == 1

    history = shell.history_path(db_path)
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    lines = [line[1:] for line in history.read_text().splitlines() if line.startswith("+")]
    assert lines == [
        "visit log 'Margaret Hughes' --kind telephone --minutes 15",
        "visit log 1 --kind video --minutes x",
    ]


def test_completion_in_the_shell_reads_quotes_as_a_shell_does(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    root = shell.build()
    found, start = shell.line_candidates(root, db_path, 'visit log "Marg')
    assert (found, start) == ([("Margaret Hughes", "#1")], len("visit log "))
    values = [value for value, _ in shell.line_candidates(root, db_path, "")[0]]
    assert values[:2] == ["help", "exit"] and "visit" in values
    assert [value for value, _ in shell.line_candidates(root, db_path, "help vi")[0]] == ["visit"]


@given(st.lists(st.text(alphabet="ab '\"\\", max_size=6), max_size=4))
def test_words_before_the_cursor_are_the_words_shlex_reads(words):
    text = " ".join(shlex.quote(word) for word in words) + " "
    assert shell.words_before_cursor(text) == (words, "", len(text))


def test_a_command_still_asks_at_a_terminal_and_ctrl_c_cancels_only_it(db_path, monkeypatch):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    down = "\x1b[B"
    result = at_terminal(
        monkeypatch,
        "visit log 1",
        ENTER,
        down,
        down,  # kind: the second listed, telephone (below "(choose one)")
        ENTER,
        "20",
        ENTER,  # minutes
        ENTER,  # date: blank for today
        ENTER,  # note: none
        "visit log 1",
        ENTER,
        CTRL_C,  # at the kind question: this command is cancelled, the session goes on
        "people",
        ENTER,
        CTRL_D,
    )
    assert "Logged a phone call with Margaret Hughes on 2026-11-20, 20 min" in result.stdout
    assert result.stderr.splitlines() == ["Cancelled: nothing was saved.", "[exit 1]"]
    assert "Margaret Hughes" in result.stdout.rsplit("20 min", 1)[1]  # people ran after
    assert rows(db_path, "SELECT kind, minutes FROM contacts") == [
        {"kind": "telephone", "minutes": 20}
    ]
    # what is typed at a command's own questions (the 20 minutes) stays out of the history,
    # and a line repeated straight after itself is kept once
    history = shell.history_path(db_path).read_text().splitlines()
    assert [line[1:] for line in history if line.startswith("+")] == ["visit log 1", "people"]


def test_forgetting_someone_deletes_the_history_that_may_name_them(db_path, monkeypatch):
    ok("new-referral", "--name", "Zebedee Quist", "--no-input")
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    result = at_terminal(
        monkeypatch,
        "show zebedee",
        ENTER,
        "person forget zeb --yes",
        ENTER,
        "show marg",
        ENTER,
        CTRL_D,
    )
    assert "The shell's history of typed commands was deleted too" in result.stdout
    history = shell.history_path(db_path).read_text()
    assert [line[1:] for line in history.splitlines() if line.startswith("+")] == ["show marg"]
    assert "zeb" not in history.casefold()

    ok("retention", "--older-than", "1", "--erase", "--yes")  # nothing due: nothing erased
    assert shell.history_path(db_path).exists()
    result = ok("person", "forget", "Margaret", "--yes")
    assert "history of typed commands was deleted" in result.stdout
    assert not shell.history_path(db_path).exists()
    ok("new-referral", "--name", "Ann Lee", "--no-input")
    assert "history" not in ok("person", "forget", "Ann", "--yes").stdout  # none to delete
