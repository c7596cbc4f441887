"""Tab completion for bash, zsh and fish (Typer's `--install-completion`), and for the shell.

One table, COMPLETERS, says what completes what. `attach` applies it to a built click command
tree: a parameter is looked up by "COMMAND PATH NAME" first, then by NAME alone, where NAME is
one of its option names (`--source`) or its metavar (`PERSON`, `DATE`). So a new command gets
completion for free when it reuses an option name or a metavar, and one line here otherwise
(`"concern add --category": ...`).

Completion reads the database read-only (never migrates, never creates the file, never prompts)
and imports nothing heavy: it must answer faster than `connector --help` starts.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from connector_cli import codes

if TYPE_CHECKING:
    import typer

COMPLETE_VAR = "_CONNECTOR_COMPLETE"
MAX_PEOPLE = 50

Candidates = list[tuple[str, str]]  # (value, help)
Completer = Callable[["object", str], Candidates]  # (click context, incomplete) -> candidates


# --- Code lists --------------------------------------------------------------------------------


def _prefixed(pairs: list[tuple[str, str]], incomplete: str) -> Candidates:
    wanted = incomplete.casefold()
    return [(value, help) for value, help in pairs if value.casefold().startswith(wanted)]


def code_list(code_tuple: tuple[codes.Code, ...]) -> Completer:
    """Complete from a code list: the slugs, with their labels as help."""
    return lambda ctx, incomplete: _prefixed([(c.slug, c.label) for c in code_tuple], incomplete)


def choices(*values: str) -> Completer:
    """Complete from these words (none: complete nothing, for free text)."""
    return lambda ctx, incomplete: _prefixed([(v, "") for v in values], incomplete)


def signpost_categories(ctx, incomplete: str) -> Candidates:
    """GROUP/SUB (or a bare GROUP without sub-categories); `lunch` finds third-sector/lunch-club."""
    pairs = [(f"{c.group}/{c.slug}", c.label) for c in codes.SIGNPOST_CATEGORIES]
    pairs += [(g.slug, g.label) for g in codes.SIGNPOST_GROUPS if not codes.signpost_subs(g.slug)]
    found = _prefixed(pairs, incomplete)
    if found or "/" in incomplete:
        return found
    wanted = incomplete.casefold()
    return [(v, h) for v, h in pairs if v.partition("/")[2].startswith(wanted)]


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_near(today: date) -> list[str]:
    """The last four quarters, this one and the next, as calendar (2026Q3) and financial-year
    (2026-27Q2) quarters, oldest first."""
    year, quarter = _quarter_of(today)
    index = year * 4 + quarter - 1
    calendar_quarters, financial = [], []
    for i in range(index - 4, index + 2):
        y, q = divmod(i, 4)
        calendar_quarters.append(f"{y}Q{q + 1}")
        fy, fq = divmod(i - 1, 4)  # the financial year starts in April: calendar Q2 is its Q1
        financial.append(f"{fy}-{(fy + 1) % 100:02d}Q{fq + 1}")
    return calendar_quarters + financial


def quarters(ctx, incomplete: str) -> Candidates:
    from connector_cli.dates import today

    return _prefixed([(q, "") for q in quarters_near(today())], incomplete)


def years(ctx, incomplete: str) -> Candidates:
    from connector_cli.dates import today

    now = today()
    start = now.year if now.month >= 4 else now.year - 1  # this financial year
    found = [(str(y), "calendar year") for y in (now.year - 1, now.year)]
    found += [(f"{y}-{(y + 1) % 100:02d}", "financial year") for y in (start - 1, start)]
    return _prefixed(found, incomplete)


def administered_by(ctx, incomplete: str) -> Candidates:
    from connector_cli.measures import ADMINISTERED_BY

    return _prefixed([(who, "") for who in ADMINISTERED_BY], incomplete)


def instruments(ctx, incomplete: str) -> Candidates:
    from connector_cli.surveys import INSTRUMENT_IDS

    return _prefixed([(i, "") for i in INSTRUMENT_IDS], incomplete)


def lonely_categories(ctx, incomplete: str) -> Candidates:
    from connector_cli.surveys.ucla3 import DIRECT_QUESTION

    return _prefixed([(c.slug, c.label) for c in DIRECT_QUESTION.choices], incomplete)


def settings_keys(ctx, incomplete: str) -> Candidates:
    from connector_cli.settings import DEFAULTS

    return _prefixed([(key, text) for key, (_, text) in DEFAULTS.items()], incomplete)


# --- People, from the database, read-only ------------------------------------------------------


def _database(ctx) -> Path | None:
    from connector_cli.store import resolve_path

    root = ctx.find_root() if ctx is not None else None
    try:
        return resolve_path(root.params.get("db") if root is not None else None)
    except Exception:  # a blank --db: nothing to complete from
        return None


def read_only(path: Path) -> sqlite3.Connection | None:
    """The file opened read-only, or None if it is not there. With no write-ahead log beside it
    (nobody has it open), opened as immutable, so not even a lock or -shm file is written."""
    if not path.is_file():
        return None
    quiet = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    try:
        return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro{quiet}", uri=True)
    except sqlite3.Error:
        return None


OPEN = "e.status IN ('pending', 'accepted') AND e.closure_date IS NULL"


def _number(text: str) -> str | None:
    """The digits of a person's number as typed (`12`, `#12`), or None for a name."""
    digits = text.removeprefix("#")
    return digits if digits.isascii() and digits.isdigit() else None


def _matching_people(conn: sqlite3.Connection, incomplete: str) -> list[tuple[int, str, int]]:
    """(id, name, open) for people whose number starts with, or name contains, `incomplete`;
    nothing typed: everyone with an open episode."""
    has_open = f"EXISTS (SELECT 1 FROM episodes e WHERE e.person_id = p.id AND {OPEN})"
    number = _number(incomplete)
    if number is not None:
        where, params = "CAST(p.id AS TEXT) LIKE ?", [number + "%"]
    elif not incomplete:
        where, params = has_open, []
    elif incomplete.isascii():  # LIKE narrows (ASCII case-insensitive); Python decides
        escaped = re.sub(r"([\\%_])", r"\\\1", incomplete)
        where, params = "p.name LIKE ? ESCAPE '\\'", ["%" + escaped + "%"]
    else:
        where, params = "1", []
    rows = conn.execute(
        f"SELECT p.id, p.name, {has_open} FROM people p WHERE {where} ORDER BY 3 DESC, p.name, p.id",
        params,
    ).fetchall()
    if number is not None:
        return rows
    wanted = incomplete.casefold()
    return [row for row in rows if wanted in row[1].casefold()]


def _read(ctx, query: Callable[[sqlite3.Connection], list]) -> list:
    """Rows from the database the command line names, read-only; none if there is no such
    file or it is not (or not yet) a connector database of this shape."""
    path = _database(ctx)
    conn = read_only(path) if path is not None else None
    if conn is None:
        return []
    try:
        return query(conn)
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def people(ctx, incomplete: str) -> Candidates:
    """People whose name holds the fragment (or whose number starts with it), those with an open
    episode first. A name shared by two people completes to each one's number instead, since
    the name alone would be refused as ambiguous."""
    found = _read(ctx, lambda conn: _matching_people(conn, incomplete))
    if _number(incomplete) is not None:
        sign = "#" if incomplete.startswith("#") else ""
        return [(f"{sign}{pid}", name + _closed(o)) for pid, name, o in found[:MAX_PEOPLE]]
    sharing = Counter(name.casefold() for _, name, _ in found)
    return [
        (name, f"#{pid}{_closed(o)}")
        if sharing[name.casefold()] == 1
        else (str(pid), name + _closed(o))
        for pid, name, o in found[:MAX_PEOPLE]
    ]


def _numbered(rows: list, incomplete: str) -> Candidates:
    """(id, help) rows as candidates: by the start of the number, or by words in the help
    (bash puts the number in place of the words typed)."""
    wanted = incomplete.casefold()
    if _number(incomplete) is not None or not incomplete:
        found = [(str(i), h) for i, h in rows if str(i).startswith(incomplete)]
    else:
        found = [(str(i), h) for i, h in rows if wanted in h.casefold()]
    return found[:MAX_PEOPLE]


def directory_entries(ctx, incomplete: str) -> Candidates:
    """Directory entries still in use, by number, with their names."""
    sql = "SELECT id, name FROM directory_entries WHERE retired_date IS NULL ORDER BY id"
    return _numbered(_read(ctx, lambda conn: conn.execute(sql).fetchall()), incomplete)


def signposts(ctx, incomplete: str) -> Candidates:
    """Signposts, those still waiting for an outcome first, newest first."""
    sql = (
        "SELECT s.id, p.name || ': ' || s.to_text || coalesce(' (' || s.outcome || ')', '') "
        "FROM signposts s JOIN episodes e ON e.id = s.episode_id JOIN people p ON p.id = "
        "e.person_id ORDER BY s.outcome IS NOT NULL, s.id DESC"
    )
    return _numbered(_read(ctx, lambda conn: conn.execute(sql).fetchall()), incomplete)


def _newest(table: str, describe: str) -> Completer:
    """Rows of `table` by number, newest first, each described by an SQL expression over the
    row (s) and its person (p)."""

    def complete(ctx, incomplete: str) -> Candidates:
        number = _number(incomplete) if incomplete else ""
        if number is None:
            return []
        sql = (
            f"SELECT s.id, {describe} FROM {table} s JOIN episodes e ON e.id = s.episode_id "
            "JOIN people p ON p.id = e.person_id WHERE CAST(s.id AS TEXT) LIKE ? "
            f"ORDER BY s.id DESC LIMIT {MAX_PEOPLE}"
        )
        rows = _read(ctx, lambda conn: conn.execute(sql, [number + "%"]).fetchall())
        return [(str(i), text) for i, text in rows]

    return complete


def episodes(ctx, incomplete: str) -> Candidates:
    """The episodes of the person named earlier on the line, newest first."""
    from connector_cli.errors import UserError
    from connector_cli.store.people import resolve_person

    if ctx is None:
        return []
    # with the option's value still to come, click leaves the words before it unparsed
    person = ctx.params.get("person") or next(iter(ctx.args), None)
    if not person:
        return []

    def query(conn: sqlite3.Connection) -> list:
        conn.row_factory = sqlite3.Row
        try:
            person_id = resolve_person(conn, person)["id"]
        except UserError:
            return []
        return conn.execute(
            "SELECT id, referral_date, status, closure_date FROM episodes WHERE person_id = ? "
            "ORDER BY referral_date DESC, id DESC",
            [person_id],
        ).fetchall()

    found = [
        (str(e["id"]), f"referred {e['referral_date']}, {e['status']}")
        if not e["closure_date"]
        else (str(e["id"]), f"referred {e['referral_date']}, closed {e['closure_date']}")
        for e in _read(ctx, query)
    ]
    return [(value, help) for value, help in found if value.startswith(incomplete)]


def _closed(is_open: int) -> str:
    return "" if is_open else " (no open episode)"


def dates(ctx, incomplete: str) -> Candidates:
    from connector_cli.dates import today

    now = today()
    found = [("today", now.isoformat()), ("yesterday", (now - timedelta(days=1)).isoformat())]
    return _prefixed(found, incomplete)


# --- What completes what -----------------------------------------------------------------------

COMPLETERS: dict[str, Completer] = {
    # by metavar: any command that takes a PERSON or a DATE
    "PERSON": people,
    "DATE": dates,
    "STAGE": code_list(codes.STAGES),
    "INSTRUMENT": instruments,
    "GROUP[/SUB]": signpost_categories,  # signpost, directory and gap categories
    "ENTRY_ID": directory_entries,
    "SIGNPOST_ID": signposts,
    "CONTACT_ID": _newest(
        "contacts",
        "p.name || ': ' || s.date || ' ' || s.kind || coalesce(' ' || s.minutes || ' min', '')",
    ),
    "MEASURE_ID": _newest(
        "measures", "p.name || ': ' || s.date || ' ' || s.instrument || ' ' || s.stage"
    ),
    # by option name
    "--source": code_list(codes.SOURCES),
    "--trigger": code_list(codes.TRIGGERS),
    "--primary-trigger": code_list(codes.TRIGGERS),
    "--gender": code_list(codes.GENDERS),
    "--ethnicity": code_list(codes.ETHNICITIES),
    "--living": code_list(codes.LIVING),
    "--kind": code_list(codes.CONTACT_KINDS),
    "--location": code_list(codes.LOCATIONS),
    "--domain": code_list(codes.GOAL_DOMAINS),
    "--progress": code_list(codes.GOAL_PROGRESS),
    "--sub-reason": code_list(codes.CHOICE_SUB_REASONS),
    "--lonely": lonely_categories,
    "--quarter": quarters,
    "--year": years,
    "--episode": episodes,
    "--by": administered_by,
    # where one option name means different things in different commands
    "new-referral --status": code_list(codes.STATUSES),
    "close --reason": code_list(codes.CLOSURE_REASONS),
    "closure edit --reason": code_list(codes.CLOSURE_REASONS),
    "measure skip --reason": code_list(codes.SKIP_REASONS),
    "gap add --reason": code_list(codes.GAP_REASONS),
    "gap edit --reason": code_list(codes.GAP_REASONS),
    "referral decline --by": code_list(codes.DECLINE_BY),
    "visit log --by": code_list(codes.DELIVERED_BY),
    "directory verify --by": choices(),  # who checked it: free text
    "signpost outcome OUTCOME": code_list(codes.SIGNPOST_OUTCOMES),
    "survey show ID": instruments,
    "survey take ID": instruments,
    "config set KEY": settings_keys,
    "config reset KEY": settings_keys,
}


def completer_for(path: str, param) -> Completer | None:
    names = [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]
    if param.metavar:
        names.append(param.metavar)
    for key in [f"{path} {name}" for name in names] + names:
        if key in COMPLETERS:
            return COMPLETERS[key]
    return None


def _hook(completer: Completer):
    from typer._click.shell_completion import CompletionItem

    def shell_complete(ctx, param, incomplete: str) -> list:
        try:
            found = completer(ctx, incomplete)
        except Exception:  # Tab must never print a traceback into someone's command line
            return []
        return [CompletionItem(value, help=help or None) for value, help in found]

    return shell_complete


def attach(command, path: str = "") -> None:
    """Give every parameter in the click command tree its completer from COMPLETERS (a
    parameter that already has one, set through Typer's `autocompletion=`, keeps it)."""
    for param in command.params:
        completer = completer_for(path, param)
        if completer is not None and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = _hook(completer)
    for name, sub in getattr(command, "commands", {}).items():
        attach(sub, f"{path} {name}".strip())


def candidates(root, args: list[str], incomplete: str) -> Candidates:
    """What `connector ARGS INCOMPLETE<Tab>` offers, from a tree that `attach` has prepared."""
    from typer._completion_classes import BashComplete  # any shell's: only its parsing is used

    complete = BashComplete(root, {}, "connector", COMPLETE_VAR)
    return [(item.value, item.help or "") for item in complete.get_completions(args, incomplete)]


# --- Answering the shell's completion request --------------------------------------------------


def _bash_word(value: str) -> str:
    """Bash inserts a candidate as written: escape what would split it into two words."""
    return re.sub(r"([^\w@%+=:,./#-])", r"\\\1", value)


def requested() -> bool:
    return bool(os.environ.get(COMPLETE_VAR))


def answer(app: typer.Typer) -> None:
    """Print the candidates for the words in the environment and exit. Accepts Typer's
    instructions (`complete_bash`, as its installed scripts send) and click's (`bash_complete`)."""
    import typer
    from typer._click.shell_completion import add_completion_class, get_completion_class
    from typer._completion_classes import BashComplete, completion_init

    from connector_cli.startup import app_for

    instruction = os.environ[COMPLETE_VAR]
    first, _, second = instruction.partition("_")
    if first in ("bash", "zsh", "fish", "powershell", "pwsh"):
        instruction = f"{second}_{first}"  # click's order, shell first: Typer's is shell last
        os.environ[COMPLETE_VAR] = instruction

    class Bash(BashComplete):
        def format_completion(self, item) -> str:
            return _bash_word(item.value)

    completion_init()
    shell_class = get_completion_class(instruction.partition("_")[2])
    words: list[str] = []
    if shell_class is not None and instruction.startswith("complete_"):
        words, _ = shell_class(None, {}, "connector", COMPLETE_VAR).get_completion_args()
    root = typer.main.get_command(app_for(app, words))  # only the command being typed
    add_completion_class(Bash, "bash")  # after Typer has registered its own
    attach(root)
    root.main(args=[], prog_name="connector")
