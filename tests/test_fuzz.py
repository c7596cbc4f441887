"""Every command, every option, hostile values: exit 0, 1 or 2, never a traceback, no escape code
reaching the terminal, and a refused command leaves the database exactly as it was.

Commands and their options are read from the app itself (typer.main.get_command), so commands
added later are fuzzed without touching this file. Each example runs against a fresh copy of a
small seeded database, in its own folder (files a command writes land there).

Examples per command: $CONNECTOR_FUZZ_EXAMPLES (default 6 -- about 300 in all, for CI; run with
e.g. 60 locally for a few thousand).
"""

from __future__ import annotations

import enum
import hashlib
import os
import shutil
import tempfile
import typing
from pathlib import Path

import pytest
import typer
from conftest import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from connector_cli.cli import app

EXAMPLES = int(os.environ.get("CONNECTOR_FUZZ_EXAMPLES", "6"))

# --- The commands, read from the app ---------------------------------------------------------------


def _leaf_commands(command, path=()):
    if hasattr(command, "commands"):
        for name, sub in sorted(command.commands.items()):
            yield from _leaf_commands(sub, (*path, name))
        if getattr(command, "invoke_without_command", False) and path:
            yield path, command
    else:
        yield path, command


ROOT = typer.main.get_command(app)
COMMANDS = dict(_leaf_commands(ROOT))
# Never fuzzed: nothing. Prompts cannot happen (no terminal: CONNECTOR_INTERACTIVE=0), and every
# file a command reads or writes is pointed into the example's own temporary folder.

# --- Hostile values --------------------------------------------------------------------------------

CONTROL = "".join(map(chr, [*range(0, 32), 127])) + "\u0085\u200b\u200e\u200f\u202a\u202b"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FIXED = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "3",
    "99999999999999999999",
    "9" * 5000,
    "1e308",
    "NaN",
    "2026-11-01",
    "today",
    "1900-01-01",
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "2026-13-45",
    "[bold red]Ann[/bold red]",
    "Riverside [/] Northside",
    "[/]",
    "[link=file:///etc/passwd]x[/link]",
    '=HYPERLINK("http://x")',
    "+1-2",
    "@SUM(A1)",
    "Ann\x1b[31mRED",
    "Caf\udce9",  # 'Café' in Latin-1, as Python sees a non-UTF-8 argument (surrogateescape)
    "\udcff\udcfe",
    "x\x00y",
    "\u202eevil",
    "A" * 60_000,
    "%_%_%_%" * 1000,
    "Ann",
    "Lunch club",
    "third-sector/lunch-club",
    "--help",
    "-",
]


def _surrogate_text():
    return st.binary(min_size=1, max_size=20).map(lambda b: b.decode("utf-8", "surrogateescape"))


# Values that a command accepts, so a hostile value elsewhere on the line gets past the first
# check and reaches the code behind it.
PLAUSIBLE = st.sampled_from(
    [
        "1",
        "2",
        "Ann",
        "2026-11-10",
        "today",
        "friends",
        "telephone",
        "face-to-face",
        "third-sector/lunch-club",
        "none-exists",
        "attended",
        "baseline",
        "review",
        "2026Q4",
        "2026-27Q2",
        "ucla3",
        "swemwbs",
        "10",
        "accepted",
        "self",
        "gp",
        "declined",
        "support_weeks",
        "Lunch club",
    ]
)


def _inside(text: str) -> bool:
    """Never a path outside the example's folder (a value may end up naming a file)."""
    return not text.lstrip().startswith(("/", "~", "\\")) and ".." not in text


TEXT = st.one_of(
    st.sampled_from(FIXED),
    st.text(alphabet=st.sampled_from(CONTROL + BIDI + "[]\\=+@-ab1 "), max_size=30),
    st.text(max_size=40),
    _surrogate_text(),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
).filter(_inside)

# Relative names: each example runs in its own folder, so these stay inside it.
FILE_NAMES = st.one_of(
    st.sampled_from(["out.csv", "hostile.csv", "[bold]x[/].db", "n" * 300, "sub/", "x.json"]),
    st.sampled_from(["\x1b[31mx.db", "\u202eb.csv", "c\udce9.csv", "d\n.csv"]),
    st.sampled_from(["data/connector.db", "data/connector.db-wal", "data", "missing/x.csv"]),
    st.text(alphabet=st.sampled_from("ab[]\x1b\u202e. \x00"), min_size=1, max_size=12),
    _surrogate_text().map(lambda t: t.replace("/", "_")),
).filter(lambda name: _inside(name) and name.strip() not in (".", ""))


def _annotation(param):
    annotation = param.type_descriptor.annotation
    if typing.get_origin(annotation) in (list, typing.Union) or hasattr(annotation, "__args__"):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if args else str
    return annotation


def _values(param):
    annotation = _annotation(param)
    name = param.name or ""
    if annotation is Path or name in ("out", "path", "file"):
        return FILE_NAMES
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.one_of(st.sampled_from([m.value for m in annotation]), TEXT)
    if annotation is int:
        return st.one_of(st.sampled_from(["1", "2", "3", "0", "-5", "9" * 5000]), TEXT)
    return st.one_of(PLAUSIBLE, TEXT)


@st.composite
def command_lines(draw, path, command):
    args = list(path)
    for param in command.params:
        if param.name in ("help",):
            continue
        if param.param_type_name == "argument":
            count = (
                draw(st.integers(1, 3))
                if param.nargs == -1
                else 1
                if param.required
                else draw(st.integers(0, 1))
            )
            args += [draw(_values(param)) for _ in range(count)]
            continue
        if not draw(st.booleans()) and not param.required:
            continue
        flag = param.opts[0]
        if getattr(param, "is_flag", False):
            args.append(flag)
        else:
            args += [flag, draw(_values(param))]
    return args


# --- A seeded database ------------------------------------------------------------------------------

# Stored values hold markup and odd characters too, so every listing prints them.
SEED = [
    ["new-referral", "--name", "Ann [bold red]Smith[/]", "--referral-date", "2026-10-01"],
    ["new-referral", "--name", "Bob [/] Jones", "--referral-date", "2026-10-02"],
    ["referral", "accept", "1", "--date", "2026-10-03"],
    ["visit", "log", "1", "--date", "2026-10-05", "--kind", "telephone", "--minutes", "20"],
    ["visit", "log", "1", "--date", "2026-10-06", "--kind", "message", "--note", "[/] note"],
    ["goal", "add", "1", "[link=x]walk[/link] more", "--domain", "friends"],
    [
        "directory",
        "add",
        "--name",
        "[/] Lunch club",
        "--category",
        "third-sector/lunch-club",
        "--offers",
        "[bold red]free",
        "--area",
        "Riverside [/] Northside",
    ],
    [
        "gap",
        "add",
        "--category",
        "third-sector/lunch-club",
        "--need",
        "A [/] lunch club nearby",
        "--reason",
        "none-exists",
        "--area",
        "Riverside [/] Northside",
        "--date",
        "2026-10-06",
    ],
]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    db = folder / "seed.db"
    env = {"CONNECTOR_DB": str(db), "CONNECTOR_TODAY": "2026-11-20"}
    for line in SEED:
        result = CliRunner().invoke(app, line, env={**env, "CONNECTOR_INTERACTIVE": "0"})
        assert result.exit_code == 0, (line, result.output)
    return db


def content_hash(db: Path) -> str:
    return hashlib.sha256(repr(snapshot(db)).encode("utf-8", "surrogateescape")).hexdigest()


def _hostile_csv(folder: Path) -> None:
    (folder / "hostile.csv").write_bytes(
        b"name,category,offers\n=cmd|' /C calc'!A0,third-sector/lunch-club,\x1b[31mred\x00\n"
    )


EXIT_CODES: dict[int, int] = {}


def _tally(code: int) -> None:
    EXIT_CODES[code] = EXIT_CODES.get(code, 0) + 1
    if os.environ.get("CONNECTOR_FUZZ_TALLY"):
        Path(os.environ["CONNECTOR_FUZZ_TALLY"]).write_text(repr(EXIT_CODES))


def run_once(args: list[str], template: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "data" / "connector.db"
        db.parent.mkdir()
        shutil.copy(template, db)
        _hostile_csv(folder)
        before = content_hash(db)
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            env = {
                "CONNECTOR_DB": str(db),
                "CONNECTOR_TODAY": "2026-11-20",
                "CONNECTOR_INTERACTIVE": "0",
                "NO_COLOR": "1",
            }
            result = CliRunner().invoke(app, args, env=env)
        finally:
            os.chdir(cwd)
        shown = "connector " + " ".join(repr(a if len(a) < 80 else a[:60] + "...") for a in args)
        _tally(result.exit_code)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{shown} raised") from result.exception
        assert result.exit_code in (0, 1, 2), (shown, result.exit_code, result.output[-2000:])
        assert "Traceback" not in result.output, shown
        assert "\x1b" not in result.output, f"{shown} sent an escape code to the terminal"
        if result.exit_code in (1, 2):
            assert content_hash(db) == before, f"{shown} refused but changed the database"


# --- The tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_hostile_values(path, template, tmp_path):
    command = COMMANDS[path]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one(data):
        args = data.draw(command_lines(path, command))
        run_once([str(a) for a in args], template)

    one()


def test_markup_and_odd_bytes_in_db_option(tmp_path):
    for name in ["[bold]x[/].db", "Caf\udce9.db", "[/]", "n" * 300 + ".db"]:
        result = CliRunner().invoke(
            app, ["--db", str(tmp_path / name), "people"], env={"CONNECTOR_INTERACTIVE": "0"}
        )
        assert result.exit_code in (0, 1), (name, result.output)
        assert not (result.exception and not isinstance(result.exception, SystemExit)), name
