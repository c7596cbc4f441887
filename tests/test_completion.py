"""Tab completion, driven as a shell drives it: click's completion environment variables in a
fresh process (and, for bash, the very script `--show-completion` prints)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ok, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).parent.parent


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def complete(*words: str, shell: str = "bash", db: Path | None = None) -> list[str]:
    """Candidates for `connector WORDS`, the last word being the one typed so far."""
    line = ["connector", *(["--db", str(db)] if db else []), *words]
    if shell == "bash":
        env = environment(
            _CONNECTOR_COMPLETE="bash_complete",  # click's instruction; Typer's is complete_bash
            COMP_WORDS=" ".join(w.replace(" ", "\\ ") for w in line),
            COMP_CWORD=str(len(line) - 1),
        )
    else:
        env = environment(
            _CONNECTOR_COMPLETE=f"complete_{shell}",
            _TYPER_COMPLETE_ARGS=" ".join(line),
            _TYPER_COMPLETE_FISH_ACTION="get-args",
        )
    done = subprocess.run(
        [sys.executable, "-m", "connector_cli"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == "", done
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def caseload(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--status", "accepted", "--no-input")
    ok("new-referral", "--name", "Tom Marsh", "--no-input")  # pending: an open episode too
    ok(
        "new-referral",
        "--name",
        "Marjorie Bell",
        "--status",
        "declined",
        "--decline-reason",
        "Moved",
        "--no-input",
    )
    ok("new-referral", "--name", "Ann Lee", "--no-input")
    return db_path


def test_a_person_fragment_completes_to_names_open_episodes_first(caseload):
    # "mar" is in three names; Marjorie Bell's only episode was declined, so she comes last.
    assert complete("show", "mar") == ["Margaret\\ Hughes", "Tom\\ Marsh", "Marjorie\\ Bell"]
    assert complete("visit", "log", "MARJ") == ["Marjorie\\ Bell"]
    assert complete("ucla", "score", "--person", "lee") == ["Ann\\ Lee"]
    # nothing typed yet: the open caseload, by name
    assert complete("goal", "add", "") == ["Ann\\ Lee", "Margaret\\ Hughes", "Tom\\ Marsh"]


def test_a_number_completes_to_numbers_with_names_as_help(caseload):
    for n in range(5, 12):
        ok("new-referral", "--name", f"Person {n}", "--no-input")
    assert complete("show", "1") == ["1", "10", "11"]
    assert complete("show", "#1", shell="fish") == [
        "#1\tMargaret Hughes",
        "#10\tPerson 10",
        "#11\tPerson 11",
    ]


def test_a_name_two_people_share_completes_to_their_numbers(caseload):
    ok("new-referral", "--name", "Margaret Hughes", "--dob", "1950-01-01", "--no-input")
    assert complete("show", "hughes", shell="fish") == [
        "1\tMargaret Hughes",
        "5\tMargaret Hughes",
    ]


@pytest.mark.parametrize(
    ("typed", "name"), [("marga", "Margaret Hughes"), ("'marjorie\\ o'", "Marjorie O'Neil")]
)
def test_the_completed_name_is_one_word_in_bash(caseload, typed, name):
    """The script Typer installs, run by bash: the candidate lands as one word that names her.
    (COMP_WORDS holds the words as typed, backslashes and all.)"""
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    ok("new-referral", "--name", "Marjorie O'Neil", "--no-input")
    script = subprocess.run(
        [sys.executable, "-m", "connector_cli", "--show-completion", "bash"],
        env=environment(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
        capture_output=True,
        text=True,
    ).stdout
    assert "_CONNECTOR_COMPLETE=complete_bash" in script
    probe = (
        f"{script}\n"
        "connector() { " + f"{sys.executable} -m connector_cli " + '"$@"; }\n'
        f"COMP_WORDS=(connector show {typed}); COMP_CWORD=2\n"
        "_connector_completion connector\n"
        'eval "set -- ${COMPREPLY[0]}"; echo "${#COMPREPLY[@]} candidate, $# word: $1"\n'
    )
    done = subprocess.run(["bash", "-c", probe], env=environment(), capture_output=True, text=True)
    assert done.stdout == f"1 candidate, 1 word: {name}\n", done


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_each_shells_script(shell):
    done = subprocess.run(
        [sys.executable, "-m", "connector_cli", "--show-completion", shell],
        env=environment(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert f"_CONNECTOR_COMPLETE=complete_{shell}" in done.stdout


def test_code_options_complete_from_their_code_lists(db_path):
    assert complete("visit", "log", "1", "--kind", "t") == ["telephone"]
    assert complete("new-referral", "--source", "nhs-") == [
        "nhs-gp",
        "nhs-hospital",
        "nhs-community",
        "nhs-mental-health",
        "nhs-other",
    ]
    assert complete("signpost", "add", "1", "--category", "third-sector/l") == [
        "third-sector/lunch-club"
    ]
    assert complete("signpost", "add", "1", "--category", "lunch") == ["third-sector/lunch-club"]
    assert complete("close", "1", "--reason", "") == [
        "planned",
        "choice",
        "need-intensified",
        "lost-contact",
        "hospital",
        "moved",
        "died",
        "other",
    ]
    assert complete("close", "1", "--sub-reason", "n") == ["needs-met", "not-wanted"]
    assert complete("measure", "skip", "1", "ucla3", "--reason", "c") == ["could-not-contact"]
    assert complete("measure", "skip", "1", "u") == ["ucla3"]
    assert complete("ons4", "score", "--stage", "") == ["baseline", "review", "end", "follow-up"]
    assert complete("referral", "decline", "1", "--by", "") == ["person", "criteria"]
    assert complete("visit", "log", "1", "--by", "") == ["connector", "volunteer"]
    assert complete("ucla", "score", "--by", "") == ["connector", "volunteer", "self"]
    assert complete("new-referral", "--ethnicity", "") == list("ABCDEFGHJKLMNPRSZ")
    assert complete("goal", "review", "1", "1", "--progress", "a") == ["achieved", "a-lot"]
    assert complete("signpost", "outcome", "1", "s") == ["still-attending", "stopped-attending"]
    assert complete("visit", "log", "1", "--date", "y", shell="fish") == ["yesterday\t2026-11-19"]
    assert complete("referral", "decline", "1", "--reason", "") == []  # free text: nothing


def test_quarters_near_today(db_path):
    # CONNECTOR_TODAY is 2026-11-20: calendar 2026Q4 and financial 2026-27Q3
    assert complete("report", "--quarter", "") == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
        "2027Q1",
        "2025-26Q3",
        "2025-26Q4",
        "2026-27Q1",
        "2026-27Q2",
        "2026-27Q3",
        "2026-27Q4",
    ]
    assert complete("export", "--quarter", "2026-") == [
        "2026-27Q1",
        "2026-27Q2",
        "2026-27Q3",
        "2026-27Q4",
    ]


def test_commands_sub_commands_and_options(db_path):
    assert complete("vi") == ["visit"]
    assert {"log", "edit"} <= set(complete("visit", ""))
    assert complete("visit", "l") == ["log"]
    assert complete("visit", "log", "1", "--mi") == ["--minutes"]
    assert complete("--d") == ["--db"]
    zsh = "\n".join(complete("sh", shell="zsh"))
    assert zsh.startswith("_arguments '*: :((") and '"shell":' in zsh and '"show":' in zsh


def test_directory_entries_and_signposts_complete_by_number_with_what_they_are(caseload):
    ok(
        "directory",
        "add",
        "--name",
        "St Mary's lunch club",
        "--category",
        "third-sector/lunch-club",
    )
    ok("directory", "add", "--name", "Old choir", "--category", "third-sector/hobbies")
    ok("directory", "retire", "2")
    ok("signpost", "add", "Margaret", "--entry", "1")
    ok("signpost", "add", "Tom", "--to", "Walking group", "--category", "nhs/community")
    ok("signpost", "outcome", "1", "attended")
    assert complete("signpost", "add", "Tom", "--entry", "", shell="fish") == [
        "1\tSt Mary's lunch club"  # the retired choir is not offered
    ]
    assert complete("signpost", "add", "Tom", "--entry", "lunch") == ["1"]
    assert complete("signpost", "outcome", "", shell="fish") == [
        "2\tTom Marsh: Walking group",  # still waiting for an outcome: first
        "1\tMargaret Hughes: St Mary's lunch club (attended)",
    ]


def test_contacts_measures_and_episodes_complete_by_number(caseload):
    ok("visit", "log", "Margaret", "--kind", "telephone", "--minutes", "15")
    ok("visit", "log", "Tom", "--kind", "message")
    ok("ucla", "score", "1", "2", "3", "--person", "Tom", "--stage", "baseline")
    ok("close", "Margaret", "--reason", "moved", "--no-input")
    ok("new-referral", "--name", "Margaret Hughes", "--existing", "1", "--no-input")
    assert complete("visit", "edit", "", shell="fish") == [
        "2\tTom Marsh: 2026-11-20 message",
        "1\tMargaret Hughes: 2026-11-20 telephone 15 min",
    ]
    assert complete("measure", "remove", "", shell="fish") == [
        "1\tTom Marsh: 2026-11-20 ucla3 baseline"
    ]
    assert complete("show", "Margaret", "--episode", "", shell="fish") == [
        "5\treferred 2026-11-20, pending",
        "1\treferred 2026-11-20, closed 2026-11-20",
    ]
    assert complete("show", "--episode", "", shell="fish") == []  # whose? not said yet


def test_tab_never_prints_anything_but_candidates(db_path, monkeypatch):
    assert "connector 0.1.0" not in complete("--version", "")  # --version waits for Enter
    monkeypatch.setenv("CONNECTOR_TODAY", "not a date")
    assert complete("report", "--quarter", "") == []  # and no traceback (complete checks)


def test_completion_never_writes(caseload, tmp_path):
    folder = caseload.parent
    before = (snapshot(caseload), caseload.read_bytes(), sorted(os.listdir(folder)))
    assert complete("show", "mar") and complete("visit", "log", "1", "--kind", "")
    assert (snapshot(caseload), caseload.read_bytes(), sorted(os.listdir(folder))) == before

    missing = tmp_path / "elsewhere" / "none.db"
    assert complete("show", "mar", db=missing) == []
    assert complete("visit", "log", "1", "--kind", "f", db=missing) == ["face-to-face"]
    assert not missing.parent.exists()


def test_completion_reads_a_busy_database(caseload):
    """While another connection has the file open (a -wal beside it), candidates still come."""
    import sqlite3

    conn = sqlite3.connect(caseload)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE people SET name = 'Margot Hughes' WHERE id = 1")
    conn.commit()
    try:
        assert complete("show", "margo") == ["Margot\\ Hughes"]
    finally:
        conn.close()


def test_a_file_that_is_not_a_connector_database_completes_nothing(tmp_path):
    other = tmp_path / "other.db"
    other.write_bytes(b"not a database at all" * 100)
    assert complete("show", "m", db=other) == []
    assert other.read_bytes() == b"not a database at all" * 100


def test_help_shows_the_completion_options():
    result = ok("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


NAMES = ["Zoë Ångström", "ZOË Ward", "Ann_Lee", "100% Jones", "Back\\Slash", "Ann Lee", "Ann Lee"]


@given(st.text(alphabet="aöÖzZë_%\\#1 AnLe", max_size=4))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_person_completes_to_exactly_the_people_the_fragment_finds(db_path, fragment):
    """In-process, the same tree the shell uses: a name candidate holds the fragment (any
    alphabet, LIKE's own characters included) and names one person; a number starts with it."""
    from connector_cli import completion, shell

    if not db_path.exists():
        for name in NAMES:
            ok("new-referral", "--name", name, "--no-input")
    root = shell.build()
    found = [v for v, _ in completion.candidates(root, ["--db", str(db_path), "show"], fragment)]
    digits = fragment.removeprefix("#")
    if digits.isdigit():
        sign = fragment[: len(fragment) - len(digits)]  # a typed "#" is kept: the shell filters
        numbers = ("1", "2", "3", "4", "5", "6", "7")  # candidates by what was typed
        assert found == [sign + v for v in numbers if v.startswith(digits)]
        return
    holding = [(i, n) for i, n in enumerate(NAMES, 1) if fragment.casefold() in n.casefold()]
    expected = [name if NAMES.count(name) == 1 else str(i) for i, name in holding]
    assert sorted(found) == sorted(expected)


# Metavars that promise a value from a list: each such parameter must complete.
LISTED = {"PERSON", "SLUG", "CODE", "KIND", "STAGE", "LEVEL", "REASON", "GROUP[/SUB]", "STATUS"}
LISTED |= {"OUTCOME", "INSTRUMENT", "CATEGORY", "Q", "WHO", "ENTRY_ID", "SIGNPOST_ID"}
LISTED |= {"CONTACT_ID", "MEASURE_ID"}


def test_every_parameter_with_a_listed_value_completes():
    """A command added later gets completion by reusing an option name or metavar, or by one
    line in connector_cli.completion.COMPLETERS; this test names any that has neither."""
    import typer

    from connector_cli import completion
    from connector_cli.cli import app

    def walk(command, path=""):
        for param in command.params:
            if param.metavar in LISTED and completion.completer_for(path, param) is None:
                yield f"{path} {param.opts[0]} {param.metavar}".strip()
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}".strip())

    assert list(walk(typer.main.get_command(app))) == []


def test_install_completion_writes_the_script_where_bash_reads_it(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "connector_cli", "--install-completion", "bash"],
        env=environment(HOME=str(home), _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done
    script = home / ".bash_completions" / "connector.sh"
    assert "_CONNECTOR_COMPLETE=complete_bash" in script.read_text()
    assert str(script.relative_to(home)) in (home / ".bashrc").read_text()


HEAVY_PROBE = """
import json, sys
from connector_cli.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_completion_imports_nothing_heavy(caseload):
    env = environment(
        _CONNECTOR_COMPLETE="complete_bash", COMP_WORDS="connector show mar", COMP_CWORD="2"
    )
    done = subprocess.run(
        [sys.executable, "-c", HEAVY_PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    candidates, modules = done.stdout.splitlines()[:-1], json.loads(done.stdout.splitlines()[-1])
    assert candidates == ["Margaret\\ Hughes", "Tom\\ Marsh", "Marjorie\\ Bell"]
    assert {"questionary", "pydantic", "sqlite_utils", "dateutil", "rich"}.isdisjoint(modules)


ZSH_DRIVER = r"""
zmodload zsh/zpty
zpty z 'PATH=$BIN:$PATH zsh -f -i'
zpty -w z 'PS1="> "; bindkey -e; autoload -U compinit; compinit -u; source $SCRIPT'
zpty -w z 'words() { print -r -- "WORDS ${(j:|:)@}" }'
sleep 1
zpty -w -n z "$LINE"$'\t'
sleep 4
zpty -w -n z $'\x01words \n'
sleep 2
while zpty -r -t z line; do print -r -- "$line"; done
zpty -d z
"""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("connector show Marj", "connector|show|Marjorie O'Neil"),
        (
            "connector signpost add 1 --category third-sector/lunch",
            "--category|third-sector/lunch-club",
        ),
    ],
)
def test_zsh_inserts_what_was_offered(db_path, tmp_path, typed, expected):
    """zsh itself, at a terminal (zpty), with the script `--show-completion zsh` prints."""
    if shutil.which("zsh") is None:
        pytest.skip("no zsh")
    ok("new-referral", "--name", "Marjorie O'Neil", "--no-input")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "connector"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m connector_cli "$@"\n')
    wrapper.chmod(0o755)
    script = tmp_path / "connector.zsh"
    script.write_text(
        subprocess.run(
            [sys.executable, "-m", "connector_cli", "--show-completion", "zsh"],
            env=environment(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
            capture_output=True,
            text=True,
        ).stdout
    )
    done = subprocess.run(
        ["zsh", "-f", "-c", ZSH_DRIVER],
        env=environment(BIN=str(bin_dir), SCRIPT=str(script), LINE=typed),
        capture_output=True,
        text=True,
        timeout=60,
    )
    typed_words = [line for line in done.stdout.splitlines() if line.startswith("WORDS ")]
    assert typed_words and expected in typed_words[-1], done.stdout[-2000:]
