"""The speed benchmark: `python bench/run.py` (after `pip install -e .`).

Builds demo caseloads of 2,000, 20,000 and 100,000 people (each built once with the same
generator and cached in bench/out/), runs each command as a whole process several times, and
prints a markdown table of median wall times and peak memory beside each command's floor: its
own SQL replayed by a bare script (bench/floor.py), or for `--help` the minimal two-command
Typer app in bench/. The table is also written to bench/out/results.md. See README, "Speed".
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TODAY = "2026-11-22"  # a fixed "today", so a cached caseload stays valid on any day
SEED = 1
FLAT = 1.2  # "flat" growth from the small to the large caseload: timing noise, no more
MEMORY_GROWTH = 1.5  # peak memory may grow this much with ten times the history, no more


@dataclass
class Case:
    """One timed command line; `{person}`, `{quarter}` and `{out}` are filled in per run."""

    label: str
    args: list[str]
    target: str = ""
    limit_ms: float | None = None  # at the largest caseload
    memory_flat: bool = True  # peak memory must not grow with the history's length
    growth: str = ""  # "flat" or "linear": how it may grow from the smallest to the largest
    write: bool = False
    needs: str = ""  # the command that must exist for this row to run
    exit_codes: tuple[int, ...] = (0,)  # `check` exits 1 when it finds gaps, as the demo has
    help_ratio: float | None = None  # at most this many times `connector --help`
    memory_limit_mb: float | None = None  # peak resident memory at the largest caseload
    versus: str = ""  # the row whose median this one must beat, instead of limit_ms
    how: str = "run"  # "run": the command line; "complete": Tab; "shell": inside `connector shell`


@dataclass
class Run:
    """A process to time: its command line, extra environment and standard input."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""


CASES = [
    Case("`connector --help`", ["--help"], target="≤ 1.25× floor"),
    Case("`people`", ["people"], target="< 500 ms", limit_ms=500),
    Case(
        "`show PERSON`",
        ["show", "{person}"],
        "≤ 1.3× `--help`, flat",
        growth="flat",
        help_ratio=1.3,
    ),
    Case("`caseload`", ["caseload"], "≤ 400 ms", 400, needs="caseload"),
    Case(
        "`check`",
        ["check"],
        "≤ 1 s, ≤ 150 MB",
        1000,
        memory_limit_mb=150,
        needs="check",
        exit_codes=(0, 1),
    ),
    Case(
        "`check --all` (the whole history)",
        ["check", "--all"],
        needs="check",
        exit_codes=(0, 1),
        memory_flat=False,
    ),
    Case(
        "`visit log` (write)",
        ["visit", "log", "{person}", "--kind", "telephone", "--minutes", "15", "--no-input"],
        "≤ 1.3× `--help`, flat",
        growth="flat",
        write=True,
        help_ratio=1.3,
    ),
    Case(
        "`search` a common word",  # demo contact notes repeat a few phrases: the worst case
        ["search", "family"],
        "< 500 ms",
        500,
        needs="search",
    ),
    Case("`search` a name", ["search", "{name}"], "< 500 ms", 500, needs="search"),
    Case("`today`", ["today"], "< 500 ms", 500, needs="today"),
    Case(
        "`visit log` inside `shell` (each)",
        ["visit", "log", "{person}", "--kind", "telephone", "--minutes", "15", "--no-input"],
        "< `visit log` alone",
        write=True,
        versus="`visit log` (write)",
        how="shell",
    ),
    Case(
        "Tab: `show` + 3 letters of a name",
        ["show", "{fragment}"],
        "< `connector --help`",
        growth="flat",
        versus="`connector --help`",
        how="complete",
    ),
    Case(
        "`ucla score 1 1 1`",
        ["ucla", "score", "1", "1", "1"],
        "≤ 1.3× `--help`, flat",
        growth="flat",
        help_ratio=1.3,
    ),
    Case(
        "`report --quarter`",
        ["report", "--quarter", "{quarter}"],
        "≤ 1 s, memory flat",
        1000,
        growth="linear",
    ),
    Case(
        "`export --quarter --records`",
        ["export", "--quarter", "{quarter}", "--records", "--out", "{out}"],
        "≤ 2 s, memory flat",
        2000,
        growth="linear",
    ),
]


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    failed: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024


def child_env(db: Path | None = None) -> dict[str, str]:
    """The environment every timed process gets.

    Bytecode is cached (as in any pip-installed tool) but under bench/out, so nothing is
    written into the source tree; PYTHONDONTWRITEBYTECODE would otherwise make every run
    recompile every module and time the compiler instead of the tool.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPYCACHEPREFIX=str(OUT / "pycache"),
        CONNECTOR_TODAY=TODAY,
        CONNECTOR_INTERACTIVE="0",
        NO_COLOR="1",
        COLUMNS="100",
    )
    if db is not None:
        env["CONNECTOR_DB"] = str(db)
    return env


def connector_command() -> list[str]:
    """The installed console script, run by this interpreter (not a shell shim: pyenv's would
    add tens of milliseconds that are not ours)."""
    script = Path(sysconfig.get_path("scripts")) / "connector"
    if not script.exists():
        found = shutil.which("connector")
        if found is None:
            sys.exit("No `connector` script: run `pip install -e .` first.")
        script = Path(found)
    return [sys.executable, str(script)]


def run_once(argv: list[str] | Run, env: dict[str, str]) -> tuple[float, int, int, str]:
    """Wall time, peak RSS (kB) and exit code of one whole process."""
    run = argv if isinstance(argv, Run) else Run(argv)
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as stdin:
        stdin.write(run.stdin)
        stdin.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(
            run.argv, env={**env, **run.env}, stdin=stdin, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode(errors="replace").strip()
    return elapsed, usage.ru_maxrss, proc.returncode, message


def measure(argv_for_run, env: dict[str, str], runs: int, exit_codes=(0,)) -> Timing:
    return measure_together({"one": argv_for_run}, env, runs, exit_codes)["one"]


def measure_together(
    argvs: dict, env: dict[str, str], runs: int, exit_codes=(0,)
) -> dict[str, Timing]:
    """One warm-up run each (fills the bytecode and page caches), then `runs` timed rounds,
    taking the commands in turn so that a busy moment on the machine hits them all alike."""
    timings = {name: Timing() for name in argvs}
    for attempt in range(runs + 1):
        for name, argv_for_run in argvs.items():
            timing = timings[name]
            if timing.failed:
                continue
            seconds, peak_kb, code, message = run_once(argv_for_run(), env)
            if code not in exit_codes:
                said = [line.strip("│╭╮╰╯─ ") for line in message.splitlines()]
                said = [line for line in said if line]  # Typer's usage errors come boxed
                timing.failed = said[-1] if said else f"exit {code}"
            elif attempt:
                timing.seconds.append(seconds)
                timing.peak_kb.append(peak_kb)
    return timings


# --- caseloads ---------------------------------------------------------------------------


def caseload_path(people: int) -> Path:
    return OUT / f"caseload-{people}-seed{SEED}-{TODAY}.db"


def build_caseload(people: int, rebuild: bool) -> Path:
    """A demo caseload built with the demo generator's benchmark shape, cached by size."""
    path = caseload_path(people)
    if path.exists() and not rebuild:
        return path
    for stale in OUT.glob(path.name + "*"):
        stale.unlink()
    print(f"Building a caseload of {people:,} people (once; cached in {path.parent}) ...")
    started = time.perf_counter()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from connector_cli.demo import BENCHMARK, build_demo\n"
        "from connector_cli.store import connect, write\n"
        "conn = connect(Path(sys.argv[1]))\n"
        "with write(conn):\n"
        "    build_demo(conn, people=int(sys.argv[2]), seed=int(sys.argv[3]), shape=BENCHMARK)\n"
        "conn.close()\n"
    )
    partial = path.with_suffix(".partial")
    subprocess.run(
        [sys.executable, "-c", code, str(partial), str(people), str(SEED)],
        env=child_env(),
        check=True,
    )
    partial.rename(path)
    print(f"  built in {time.perf_counter() - started:.0f} s")
    return path


def migrate(db: Path) -> None:
    """Open a cached caseload once with today's code, so a new migration (an index, say) is
    applied before the timing starts rather than inside the first timed run."""
    code = "import sys; from pathlib import Path; from connector_cli.store import connect; "
    code += "connect(Path(sys.argv[1])).close()"
    subprocess.run([sys.executable, "-c", code, str(db)], env=child_env(), check=True)


def describe_caseload(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        people = one("SELECT count(*) FROM people")
        info = {
            "people": people,
            "episodes": one("SELECT count(*) FROM episodes"),
            "open": one(
                "SELECT count(*) FROM episodes WHERE status IN ('pending', 'accepted') "
                "AND closure_date IS NULL"
            ),
            "first": one("SELECT min(referral_date) FROM episodes"),
            "last": one("SELECT max(referral_date) FROM episodes"),
            "size_mb": db.stat().st_size / 1e6,
        }
        for table in ("contacts", "goals", "signposts", "measures"):
            info[table] = one(f"SELECT count(*) FROM {table}") / people
        # The person a connector is most likely to look up: open episode, the most contacts.
        info["person"] = one(
            "SELECT e.person_id FROM episodes e JOIN contacts c ON c.episode_id = e.id "
            "WHERE e.status = 'accepted' AND e.closure_date IS NULL "
            "GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1"
        )
        # what a connector types before Tab: the first three letters of that person's name
        name = one(f"SELECT name FROM people WHERE id = {int(info['person'])}")
        info["fragment"] = name[:3].lower()
        info["name"] = name.split()[-1]  # `search` a name: their family name
        return info
    finally:
        conn.close()


def recent_quarter(today: str) -> str:
    """The last complete calendar quarter before `today`, e.g. 2026Q3."""
    day = date.fromisoformat(today)
    quarter = (day.month - 1) // 3  # the current quarter, 0-based; the previous one is this
    return f"{day.year - 1}Q4" if quarter == 0 else f"{day.year}Q{quarter}"


def available_commands() -> set[str]:
    """Commands that exist yet (others are being written while this runs)."""
    names = {case.needs for case in CASES if case.needs}
    return {
        name
        for name in names
        if subprocess.run(
            [*connector_command(), name, "--help"], env=child_env(), capture_output=True
        ).returncode
        == 0
    }


# --- the run -----------------------------------------------------------------------------


def time_commands(dbs: dict[int, Path], infos: dict[int, dict], runs: int) -> dict:
    """results[people][label]: each command timed on every caseload in turn, so a busy moment
    on the machine hits the small and the large caseload alike."""
    available = available_commands()
    exports = Path(tempfile.mkdtemp(prefix="connector-bench-"))
    counter = iter(range(10**6))
    quarter = recent_quarter(TODAY)
    works = {}
    for people, db in dbs.items():
        works[people] = OUT / f"work-{people}.db"  # `visit log` writes into a copy
        for stale in OUT.glob(works[people].name + "*"):
            stale.unlink()
        shutil.copyfile(db, works[people])
    results = floor_and_help(runs, sorted(dbs))
    results["floor"] = {}
    largest = max(dbs)
    for case in CASES[1:]:
        if case.needs and case.needs not in available:
            for people in dbs:
                results[people][case.label] = Timing(failed="not there yet")
            continue

        def args(people, case=case):
            db = works[people] if case.write else dbs[people]
            fill = {"person": infos[people]["person"], "quarter": quarter}
            fill["name"] = infos[people]["name"]
            fill["fragment"] = infos[people]["fragment"]
            out = exports / f"export-{next(counter)}"
            return ["--db", str(db), *(a.format(out=out, **fill) for a in case.args)]

        def argv(people, case=case):
            return how_to_run(case, args(people))

        if case.how == "shell":
            timings = {people: time_in_shell(partial(args, people), runs) for people in dbs}
            for people, timing in timings.items():
                results[people][case.label] = timing
            print(f"  {case.label:<32} " + " | ".join(_ms(t) for t in timings.values()))
            continue
        runners = {people: partial(argv, people) for people in dbs}
        if case.how == "run":  # the floor: the same SQL, replayed by a bare script
            sql_file = traced_floor(case, args(largest), exports)
            db_for_floor = works[largest] if case.write else dbs[largest]
            runners["floor"] = lambda sql=sql_file, db=db_for_floor: [
                sys.executable,
                str(HERE / "floor.py"),
                "replay",
                str(sql),
                str(db),
            ]
        timings = measure_together(runners, child_env(), runs, case.exit_codes)
        for people, timing in timings.items():
            results[people][case.label] = timing
        print(f"  {case.label:<32} " + " | ".join(_ms(t) for t in timings.values()))
    shutil.rmtree(exports, ignore_errors=True)
    return results


def traced_floor(case: Case, args: list[str], work: Path) -> Path:
    """Run the command once with its SQL traced (bench/floor.py) and return the SQL file its
    floor replays."""
    sql_file = work / f"floor-{CASES.index(case)}.sql"
    subprocess.run(  # output unread: held here it would grow this process, and each child
        # forked from it starts with its size (a child's peak memory counts what it inherits)
        [sys.executable, str(HERE / "floor.py"), "trace", str(sql_file), "--", *args],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return sql_file


def how_to_run(case: Case, args: list[str]) -> Run:
    """The process for one row: the command itself, or the shell asking for Tab candidates
    (click's variables, as the script from `connector --show-completion bash` sets them)."""
    if case.how != "complete":
        return Run([*connector_command(), *args])
    words = ["connector", *args]
    env = {
        "_CONNECTOR_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(words),
        "COMP_CWORD": str(len(words) - 1),
    }
    return Run(connector_command(), env)


SHELL_LINES = 20


def time_in_shell(args, runs: int) -> Timing:
    """One command inside `connector shell`: a session of 1 + SHELL_LINES such lines and a
    session of one, timed in turn; their difference, over SHELL_LINES, is one command."""

    def session(lines: int) -> Run:
        db_option, words = args()[:2], args()[2:]
        line = (shlex.join(words) + "\n").encode()
        return Run([*connector_command(), *db_option, "shell"], stdin=line * lines)

    pair = measure_together(
        {"one": lambda: session(1), "many": lambda: session(1 + SHELL_LINES)}, child_env(), runs
    )
    one, many = pair["one"], pair["many"]
    each = Timing(failed=one.failed or many.failed, peak_kb=many.peak_kb)
    each.seconds = [(b - a) / SHELL_LINES for a, b in zip(one.seconds, many.seconds, strict=True)]
    return each


def _ms(timing: Timing) -> str:
    if timing.failed:
        return f"— ({timing.failed})"
    ms = timing.median_ms
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def floor_and_help(runs: int, sizes: list[int]) -> dict[int, dict[str, Timing]]:
    """`connector --help` and the floor, measured in turn in the same run, three times as often
    as the rest since their ratio is a target (--help reads no caseload, so the same timings
    stand in both columns)."""
    python = sys.executable
    timings = measure_together(
        {
            CASES[0].label: lambda: [*connector_command(), "--help"],
            "floor": lambda: [python, str(HERE / "minimal_app.py"), "--help"],
            "typer": lambda: [python, "-c", "import typer"],
            "python": lambda: [python, "-c", "pass"],
        },
        child_env(),
        3 * runs,
    )
    for label in (CASES[0].label, "floor"):
        print(f"  {label:<32} {_ms(timings[label])}")
    return {people: dict(timings) for people in sizes}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GB RAM"
    except (ValueError, OSError):
        pass
    import typer

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"Typer {typer.__version__}"
    )


def verdict(case: Case, results, sizes: tuple[int, ...]) -> str:
    small, large = results[sizes[0]][case.label], results[sizes[-1]][case.label]
    if large.failed or small.failed:
        return "—"
    if not case.target:
        return ""  # timed for the record, no target
    ok = case.limit_ms is None or large.median_ms <= case.limit_ms
    if case.help_ratio is not None:
        ok = (
            ok and large.median_ms <= case.help_ratio * results[sizes[-1]][CASES[0].label].median_ms
        )
    growth = large.median_ms / small.median_ms
    if case.versus:
        versus = results[sizes[-1]].get(case.versus)
        ok = ok and versus is not None and not versus.failed
        ok = ok and large.median_ms < versus.median_ms
    if case.growth == "flat":
        ok = ok and growth <= FLAT
    if case.growth == "linear":
        ok = ok and growth <= sizes[-1] / sizes[0]
    return "yes" if ok else "**no**"


def memory_table(results, sizes) -> list[str]:
    """Peak resident memory of every command at each size: flat in the history's length
    (at most MEMORY_GROWTH times from the smallest to the largest caseload) unless the row says
    otherwise, and under its limit where it has one."""
    head = " | ".join(f"{people:,} people" for people in sizes)
    lines = [
        f"| Peak memory | {head} | growth | Target | Met |",
        "|---|" + "---:|" * (len(sizes) + 1) + "---|---|",
    ]
    for case in CASES:
        timings = [results[people][case.label] for people in sizes]
        if any(t.failed or not t.peak_kb for t in timings):
            continue
        growth = timings[-1].peak_mb / timings[0].peak_mb
        targets, ok = [], True
        if case.memory_flat:
            targets.append(f"flat (≤ {MEMORY_GROWTH}×)")
            ok = growth <= MEMORY_GROWTH
        if case.memory_limit_mb is not None:
            targets.append(f"≤ {case.memory_limit_mb:.0f} MB")
            ok = ok and timings[-1].peak_mb <= case.memory_limit_mb
        mbs = " | ".join(f"{t.peak_mb:.0f} MB" for t in timings)
        met = ("yes" if ok else "**no**") if targets else ""
        lines.append(
            f"| {case.label} | {mbs} | {growth:.2f}× | {', '.join(targets) or '—'} | {met} |"
        )
    return lines


def table(results, infos, sizes, runs) -> str:
    largest = sizes[-1]
    help_ms = results[largest][CASES[0].label]
    head = " | ".join(f"{people:,} people" for people in sizes)
    lines = [
        f"| Command | {head} | floor | × floor | × `--help` | Target | Met |",
        "|---|" + "---:|" * (len(sizes) + 3) + "---|---|",
    ]
    for case in CASES:
        cells = [_ms(results[people][case.label]) for people in sizes]
        timing = results[largest][case.label]
        if case is CASES[0]:
            floor = results[largest]["floor"]
            ratio = timing.median_ms / floor.median_ms
            met = "yes" if ratio <= 1.25 else "**no**"
            lines.append(
                f"| {case.label} | {' | '.join(cells)} | {_ms(floor)} | {ratio:.2f}× | 1.00× | "
                f"{case.target} | {met} |"
            )
            continue
        floor = results["floor"].get(case.label)
        shown_floor = _ms(floor) if floor else "—"  # Tab and the shell have no SQL floor
        by_floor = (
            ""
            if timing.failed or not floor or floor.failed
            else f"{timing.median_ms / floor.median_ms:.1f}×"
        )
        by_help = "" if timing.failed else f"{timing.median_ms / help_ms.median_ms:.2f}×"
        lines.append(
            f"| {case.label} | {' | '.join(cells)} | {shown_floor} | {by_floor} | {by_help} | "
            f"{case.target} | {verdict(case, results, sizes)} |"
        )
    blanks = " | " * (len(sizes) + 3)
    for key, label in (
        ("floor", "Floor of `--help`: the minimal two-command Typer app"),
        ("typer", '`python -c "import typer"`'),
        ("python", "`python -c pass`"),
    ):
        lines.append(f"| {label} | {_ms(results[largest][key])}{blanks}|")
    lines += ["", *memory_table(results, sizes)]
    notes = [
        "",
        f"Median of {runs} runs of the whole process after a warm-up run; today = {TODAY}; "
        f"report and export for {recent_quarter(TODAY)}. Floor: the command's own SQL (traced "
        "from one run) replayed by a bare Python script with only sqlite3 on the largest "
        "caseload (bench/floor.py); for `--help`, the minimal Typer app. Growth (flat: at most "
        f"{FLAT}×; linear: at most the ratio of sizes) is from the smallest to the largest "
        "caseload. Each command runs on every caseload and its floor in turn, so a busy moment "
        "on the shared machine hits them alike. Peak memory is the largest resident set of the "
        "process in any run.",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    for people in sizes:
        i = infos[people]
        notes.append(
            f"- {people:,} people: {i['episodes']:,} episodes ({i['open']:,} open), referred "
            f"{i['first']} to {i['last']}; per person {i['contacts']:.1f} contacts, "
            f"{i['goals']:.1f} goals, {i['signposts']:.1f} signposts, {i['measures']:.1f} "
            f"questionnaires; a {i['size_mb']:.0f} MB file."
        )
    return "\n".join(lines + notes) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="timed runs per command (median); more on a busy machine",
    )
    parser.add_argument(
        "--people",
        type=int,
        nargs="+",
        default=(2000, 20000, 100000),
        metavar="N",
        help="caseload sizes (each built once and cached in bench/out)",
    )
    parser.add_argument("--rebuild", action="store_true", help="regenerate the caseloads")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    sizes = tuple(sorted(args.people))
    dbs = {people: build_caseload(people, args.rebuild) for people in sizes}
    for db in dbs.values():
        migrate(db)
    infos = {people: describe_caseload(db) for people, db in dbs.items()}
    print(f"Timing ({' | '.join(f'{people:,} people' for people in sizes)}):")
    results = time_commands(dbs, infos, args.runs)
    text = table(results, infos, sizes, args.runs)
    (OUT / "results.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
