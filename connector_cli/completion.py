"""Tab completion for bash, zsh and fish (Typer's `--install-completion`), and for the shell.

One table, COMPLETERS, says what completes what. `attach` applies it to a built click command
tree: a parameter is looked up by "COMMAND PATH NAME" first, then by NAME alone, where NAME is
one of its option names (`--source`) or its metavar (`PERSON`, `DATE`). So a new command gets
completion for free when it reuses an option name or a metavar, and one line here otherwise
(`"concern add --category": ...`).

Candidates from the records (people, episodes, ...) are in completion_records.py, read-only;
completion never prompts and imports nothing heavy: it must answer faster than `--help` starts.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from connector_cli import codes
from connector_cli import completion_records as records
from connector_cli.completion_records import Candidates, Completer

if TYPE_CHECKING:
    import typer

COMPLETE_VAR = "_CONNECTOR_COMPLETE"


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


def dates(ctx, incomplete: str) -> Candidates:
    from connector_cli.dates import today

    now = today()
    found = [("today", now.isoformat()), ("yesterday", (now - timedelta(days=1)).isoformat())]
    return _prefixed(found, incomplete)


# --- What completes what -----------------------------------------------------------------------

COMPLETERS: dict[str, Completer] = {
    # by metavar: any command that takes a PERSON or a DATE
    "PERSON": records.people,
    "DATE": dates,
    "STAGE": code_list(codes.STAGES),
    "INSTRUMENT": instruments,
    "GROUP[/SUB]": signpost_categories,  # signpost, directory and gap categories
    "ENTRY_ID": records.directory_entries,
    "SIGNPOST_ID": records.signposts,
    "CONTACT_ID": records.newest(
        "contacts",
        "p.name || ': ' || s.date || ' ' || s.kind || coalesce(' ' || s.minutes || ' min', '')",
    ),
    "MEASURE_ID": records.newest(
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
    "--episode": records.episodes,
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


def _zsh_item(value: str, help: str | None) -> str:
    """One `"value":"help"` item of Typer's `_arguments '*: :((...))'` line, escaped for the
    double quotes around it and for the single quotes around the whole (Typer's own escaping
    loses an apostrophe: O'Neil became ONeil)."""

    def escape(text: str) -> str:
        for plain, escaped in (("\\", "\\\\"), ('"', '\\"'), ("$", "\\$"), ("`", "\\`")):
            text = text.replace(plain, escaped)
        return text.replace(":", "\\\\:").replace("'", "'\\''")

    return f'"{escape(value)}":"{escape(help)}"' if help else f'"{escape(value)}"'


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
    from typer._completion_classes import BashComplete, ZshComplete, completion_init

    from connector_cli.startup import app_for

    instruction = os.environ[COMPLETE_VAR]
    first, _, second = instruction.partition("_")
    if first in ("bash", "zsh", "fish", "powershell", "pwsh"):
        instruction = f"{second}_{first}"  # click's order, shell first: Typer's is shell last
        os.environ[COMPLETE_VAR] = instruction

    class Bash(BashComplete):
        def format_completion(self, item) -> str:
            return _bash_word(item.value)

    class Zsh(ZshComplete):
        def format_completion(self, item) -> str:
            return _zsh_item(item.value, item.help)

    completion_init()
    shell_class = get_completion_class(instruction.partition("_")[2])
    words: list[str] = []
    if shell_class is not None and instruction.startswith("complete_"):
        words, _ = shell_class(None, {}, "connector", COMPLETE_VAR).get_completion_args()
    root = typer.main.get_command(app_for(app, words))  # only the command being typed
    add_completion_class(Bash, "bash")  # after Typer has registered its own
    add_completion_class(Zsh, "zsh")
    attach(root)
    root.main(args=[], prog_name="connector")
