"""Start-up stays light: what `connector --help` and a quick score import (tests, not timings;
the timings are in bench/run.py and the README, "Speed"), every command has help text, and the
shortcuts that keep commands quick (connector_cli/startup.py, render.plain_table) change no
output."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from connector_cli import startup
from connector_cli.cli import app

HEAVY = ("questionary", "pydantic", "sqlite_utils", "dateutil")

# Runs main() as the console script does, then reports how it ended and the top-level packages
# it imported.
PROBE = """
import json, sys
sys.argv = ["connector", *json.loads(sys.argv[1])]
from connector_cli.cli import main
code = 0
try:
    main()
except SystemExit as done:
    code = done.code or 0
modules = sorted({m.split(".")[0] for m in sys.modules})
sys.stdout.write("\\nPROBE " + json.dumps({"exit": code, "modules": modules}) + "\\n")
"""


def imported_by(*args: str, exits: tuple[int, ...] = (0,)) -> set[str]:
    """Top-level packages imported by `connector ARGS` (which must succeed, or end with one of
    `exits`), run afresh."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=60
    )
    probe = json.loads(done.stdout[done.stdout.rindex("\nPROBE ") + len("\nPROBE ") :])
    assert probe["exit"] in exits, done.stdout + done.stderr
    return set(probe["modules"])


def top_level_names() -> list[str]:
    return [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]


def test_help_imports_none_of_the_heavy_modules():
    modules = imported_by("--help")
    assert "typer" in modules  # the probe did run the CLI
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.parametrize("name", top_level_names())
def test_each_commands_help_imports_none_of_the_heavy_modules(name):
    """Command modules import only typer and the standard library at module level."""
    modules = imported_by(name, "--help")
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_ucla_score_imports_neither_questionary_nor_sqlite_utils():
    modules = imported_by("ucla", "score", "1", "1", "1")
    assert "connector_cli" in modules
    assert "questionary" not in modules
    assert "sqlite_utils" not in modules


def test_ucla_score_and_show_do_not_import_pydantic(db_path):
    """A speed guard: importing pydantic costs about 80 ms of a 250 ms budget. Typer 0.2x would
    import it to read any option (startup.use_plain_values avoids that); `show` only reads."""
    assert "pydantic" not in imported_by("ucla", "score", "1", "1", "1")
    from conftest import ok

    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    assert "pydantic" not in imported_by("--db", str(db_path), "show", "1")


EVERYDAY_HEAVY = ("pydantic", "sqlite_utils", "questionary")


def test_everyday_commands_with_every_value_given_import_none_of_the_heavy_modules(
    db_path, tmp_path
):
    """Issue 18: pydantic, sqlite-utils and questionary cost 60-80 ms each; a command given
    every value neither prompts nor migrates, so it needs none of them. The database is built
    first (building it migrates, which does need sqlite-utils)."""
    from conftest import ok, rows

    ok("demo", "--people", "30", "--seed", "3", "--quiet")
    person = rows(
        db_path,
        "SELECT person_id FROM episodes WHERE status = 'accepted' AND closure_date IS NULL "
        "ORDER BY id LIMIT 1",
    )[0]["person_id"]
    visit = ["visit", "log", person, "--kind", "telephone", "--minutes", "15", "--no-input"]
    commands = {
        "visit log": visit,
        "report": ["report", "--quarter", "2026Q3"],
        "export": ["export", "--quarter", "2026Q3", "--out", tmp_path / "plain"],
        "export --records": ["export", "--quarter", "2026Q3", "--records", "--out", tmp_path / "r"],
        "backup": ["backup", tmp_path / "copies", "--keep", "2"],
        "show": ["show", person],
        "people": ["people"],
        "caseload": ["caseload"],
        "check": ["check"],
    }
    (tmp_path / "copies").mkdir()
    contacts = "SELECT count(*) AS n FROM contacts"
    before = rows(db_path, contacts)[0]["n"]
    heavy = {}
    for name, args in commands.items():
        exits = (0, 1) if name == "check" else (0,)  # check exits 1 when it finds gaps
        modules = imported_by("--db", str(db_path), *map(str, args), exits=exits)
        assert "connector_cli" in modules  # the probe did run the command
        if found := sorted(modules & set(EVERYDAY_HEAVY)):
            heavy[name] = found
    assert heavy == {}
    assert rows(db_path, contacts)[0]["n"] == before + 1  # each command did its work
    assert (tmp_path / "r" / "episodes.csv").exists() and (tmp_path / "plain").is_dir()
    assert len(list((tmp_path / "copies").iterdir())) == 1


def _all_commands(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _all_commands(command, (*path, name))


def test_every_command_and_sub_command_has_help_text():
    root = typer.main.get_command(app)
    assert (root.help or "").strip()
    commands = list(_all_commands(root))
    assert len(commands) > 20
    missing = [" ".join(path) for path, cmd in commands if not (cmd.help or cmd.short_help)]
    assert missing == []


# --- The shortcuts change nothing --------------------------------------------------------------

SAME_OUTPUT = [
    [],
    ["--help"],
    ["-h"],
    ["--help", "show"],
    ["--version"],
    ["goal"],
    ["goal", "--help"],
    ["visit", "log", "--help"],
    ["nosuch"],
    ["--db"],
    ["show"],
    ["show", "--help"],
    ["ucla", "score", "1", "x", "1"],
    ["ucla", "score", "1", "1", "1", "--json"],
    ["visit", "log", "Nobody", "--minutes", "abc"],
    ["people"],
    ["--", "goal", "--help"],
    ["--db", "--help"],
]


@pytest.mark.parametrize("args", SAME_OUTPUT, ids=lambda args: " ".join(args) or "(none)")
def test_building_only_the_command_asked_for_changes_no_output(args):
    whole = CliRunner().invoke(app, args)
    trimmed = CliRunner().invoke(startup.app_for(app, args), args)
    assert (trimmed.exit_code, trimmed.stdout, trimmed.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


def test_plain_values_read_as_typers_own_converter_reads_them():
    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer.models import OptionInfo

    for kind in (int, str, bool):
        descriptor = resolve_type_descriptor(kind, OptionInfo())
        typers_own = build_runtime_param(descriptor)
        for value in ("15", "007", "-3", "0", "abc", "1.5", "", " 7", "x y", True, 12):
            ok, read = startup._read(kind, value)
            if ok:
                expected = typers_own._coerce_value(value, param=None, ctx=None)
                assert (read, type(read)) == (expected, type(expected)), (kind, value)


def test_plain_table_prints_what_rich_prints():
    from rich.console import Console
    from rich.table import Table

    from connector_cli.render import plain_table

    rng = random.Random(8)
    words = ["Jo", "Margaret", "Hughes-Smythe", "Old Town", "none yet", "2026-01-01", "Łukasz"]
    words += ["王伟", "O'Brien", "a [b]", "10:30", "accepted", ""]
    printed = 0
    for _ in range(400):
        columns = [
            (rng.choice(["#", "Name", "Area", "Last contact"]), rng.choice(["left", "right"]))
            for _ in range(rng.randint(1, 6))
        ]
        rows = [
            tuple(" ".join(rng.sample(words, rng.randint(1, 3))).strip() for _ in columns)
            for _ in range(rng.randint(1, 6))
        ]
        width = rng.choice([40, 80, 100])
        fast = Console(file=io.StringIO(), width=width, highlight=False)
        if not plain_table(fast, columns, rows):
            continue
        printed += 1
        table = Table(box=None, header_style="bold", pad_edge=False)
        for header, justify in columns:
            table.add_column(header, justify=justify, overflow="fold")
        for row in rows:
            table.add_row(*row)
        rich = Console(file=io.StringIO(), width=width, highlight=False)
        rich.print(table)
        assert fast.file.getvalue() == rich.file.getvalue(), (columns, rows, width)
    assert printed > 20  # the rest hold markup or are too wide: Rich prints those


def test_typer_internals_the_plain_reader_relies_on_have_not_changed_shape():
    """startup.use_plain_values hooks private Typer internals. If a Typer release moves or
    reshapes them the hook switches itself off and every command silently pays for pydantic
    again: this test fails loudly instead (re-check startup.py against the new Typer)."""
    import inspect

    from typer import core
    from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
    from typer._param_types import coerce_cli_path

    parameter = core._TyperParameter
    assert getattr(parameter, "_plain_values", False), "startup.use_plain_values is not installed"
    assert "get_runtime_param" in vars(parameter) or hasattr(parameter, "get_runtime_param")
    assert list(inspect.signature(RuntimeParam._coerce_value).parameters) == [
        "self",
        "value",
        "param",
        "ctx",
    ]
    assert {"parameter_info", "annotation"} <= set(inspect.signature(RuntimeParam).parameters)
    assert list(inspect.signature(build_runtime_param).parameters) == ["descriptor"]
    assert {"value", "parameter_info", "path_type", "param", "ctx"} <= set(
        inspect.signature(coerce_cli_path).parameters
    )
    descriptor = resolve_type_descriptor(int, __import__("typer").models.OptionInfo())
    assert {"annotation", "parameter_info", "file_annotation"} <= set(vars(descriptor))
    # And the hook is really used: a command's int option is read without a TypeAdapter.
    command = typer.main.get_command(app)
    visit_log = command.commands["visit"].commands["log"]
    minutes = next(p for p in visit_log.params if p.name == "minutes")
    runtime = minutes.get_runtime_param()
    assert type(runtime).__name__ == "PlainValues", type(runtime)


def _option(annotation, **info):
    """A real Typer option of that type, as a one-command app builds it."""
    tiny = typer.Typer()

    def command(x=typer.Option(None, "--x", **info)):  # noqa: B008
        pass

    command.__annotations__ = {"x": annotation}
    tiny.command()(command)
    return typer.main.get_command(tiny).params[0]


def _outcome(runtime, value, param):
    try:
        return ("ok", runtime._coerce_value(value, param=param, ctx=None))
    except Exception as refusal:  # a refusal (BadParameter): Typer words it
        return ("refused", type(refusal).__name__, str(refusal))


def _typer_reads(annotation, value, **info):
    from typer._coercion import build_runtime_param

    param = _option(annotation, **info)
    return _outcome(build_runtime_param(param.type_descriptor), value, param)


def _plain_reads(annotation, value, **info):
    param = _option(annotation, **info)
    runtime = param.get_runtime_param()
    assert type(runtime).__name__ == "PlainValues", annotation
    return _outcome(runtime, value, param)


@pytest.mark.parametrize(
    "annotation",
    [str | None, int | None, bool | None, list[str] | None, __import__("pathlib").Path | None],
    ids=["str?", "int?", "bool?", "list[str]?", "Path?"],
)
def test_optional_and_path_values_read_as_typers_own_converter_reads_them(annotation, tmp_path):
    values = ["15", "007", "-3", "abc", "", " 7", str(tmp_path), str(tmp_path / "new.csv")]
    for value in values:
        value = [value] if "list" in str(annotation) else value
        assert _plain_reads(annotation, value) == _typer_reads(annotation, value), value


PATH_CHECKS = [
    {},
    {"exists": True},
    {"file_okay": False},
    {"dir_okay": False},
    {"exists": True, "dir_okay": False, "readable": True},
    {"writable": True},
    {"resolve_path": True},
]


@pytest.mark.parametrize("checks", PATH_CHECKS, ids=lambda checks: ",".join(checks) or "none")
def test_path_options_are_checked_and_worded_as_typers_own_converter_does(checks, tmp_path):
    """Paths are read without pydantic's adapter, with Typer's own checks and messages."""
    (tmp_path / "file.csv").write_text("x")
    base = str(tmp_path)
    values = [base, f"{base}/file.csv", f"{base}/new", f"{base}/file.csv/", f"{base}//new"]
    values += ["", ".", "./x", "-", "rel/file.csv", "~/x", "x\x00y", "\udcff"]
    for value in values:
        plain = _plain_reads(Path | None, value, **checks)
        assert plain == _typer_reads(Path | None, value, **checks), value


def test_ranged_numbers_read_as_typers_own_converter_reads_them():
    for value in ("0", "1", "20", "21", "-5", "abc", 7, " 3"):
        plain = _plain_reads(int | None, value, min=1, max=20)
        assert plain == _typer_reads(int | None, value, min=1, max=20), value
