"""How `caseload`, `check` and `config` print, and their one JSON object for scripts.

`caseload` and `check` lay out plain text themselves (a small table below) instead of going
through Rich: on a database of 20,000 people they can list over a thousand rows, which Rich
takes most of a second to measure and wrap. Colour follows Rich's decision (a terminal, and
NO_COLOR unset). Names are printed as typed, never interpreted as markup.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from connector_cli.render import console, print_json
from connector_cli.wording import DUE_STYLE, when_due

GAP = "  "

ANSI = {"bold": "1", "red": "31", "bold red": "1;31", "yellow": "33", "cyan": "36", "dim": "2"}


def _plain(text: str, style: str) -> str:
    return text


def _painter() -> Callable[[str, str], str]:
    """paint(text, style) with ANSI codes when Rich would use colour, else the text as is."""
    if _surely_no_colour():
        return _plain  # without importing Rich's console (some 15 ms)
    out = console()
    if out.no_color or not out.is_terminal or out.color_system is None:
        return _plain
    return lambda text, style: f"\x1b[{ANSI[style]}m{text}\x1b[0m" if style else text


def _surely_no_colour() -> bool:
    """True when Rich's Console() would surely print without colour: NO_COLOR set, or stdout
    not a terminal and not forced to be one (Rich's rules in Console.no_color and
    Console.is_terminal, in the same order). False means "ask Rich"."""
    environ = os.environ
    if environ.get("NO_COLOR", "") != "":
        return True
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    out = getattr(sys.stdout, "rich_proxied_file", sys.stdout)
    isatty = getattr(out, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:
        return True


def _width() -> int:
    import shutil

    return max(40, shutil.get_terminal_size().columns)


# --- A plain table: columns fitted to the terminal ---------------------------------------------


@dataclass
class Column:
    header: str
    right: bool = False
    min_width: int = 0  # a column that may shrink (0: never shrinks)
    max_width: int = 0  # cap on the natural width (0: none)
    wrap: bool = False  # shrink by wrapping onto more lines, not by cutting with "…"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _wrap_cell(lines: list[str], width: int) -> list[str]:
    out = []
    for line in lines:
        out.extend(_wrapped(line, "", width) if len(line) > width else [line])
    return out


def _natural(columns: list[Column], rows: list[list]) -> list[int]:
    widths = []
    for i, column in enumerate(columns):
        natural = max([len(column.header)] + [len(line) for row in rows for line in row[i][0]])
        widths.append(min(natural, column.max_width) if column.max_width else natural)
    return widths


def _overflow(columns: list[Column], widths: list[int], total: int) -> int:
    return sum(widths) + len(GAP) * (len(columns) - 1) - total


def _widths(
    columns: list[Column], rows: list[list], total: int, shrink_wrapping_only: bool = False
) -> list[int]:
    widths = _natural(columns, rows)
    over = _overflow(columns, widths, total)
    for i in sorted(range(len(columns)), key=lambda i: not columns[i].wrap):  # wrap first
        if over <= 0:
            break
        if columns[i].min_width and (columns[i].wrap or not shrink_wrapping_only):
            cut = min(over, max(0, widths[i] - columns[i].min_width))
            widths[i] -= cut
            over -= cut
    return widths


def table(columns: list[Column], rows: list[list], paint, total: int) -> list[str]:
    """Lines of a table. Each cell is (lines, style); a wrapping cell may take several lines."""
    widths = _widths(columns, rows, total)
    header = GAP.join(
        c.header.rjust(w) if c.right else c.header.ljust(w)
        for c, w in zip(columns, widths, strict=True)
    )
    lines = [paint(header.rstrip(), "bold")]
    for row in rows:
        cells = [
            _wrap_cell(texts, w) if c.wrap else [_fit(t, w) for t in texts or [""]]
            for (texts, _), c, w in zip(row, columns, widths, strict=True)
        ]
        for n in range(max(len(cell) for cell in cells)):
            parts = []
            for cell, (_, style), c, w in zip(cells, row, columns, widths, strict=True):
                text = cell[n] if n < len(cell) else ""
                pad = " " * (w - len(text))
                shown = paint(text, style) if text else ""
                parts.append(pad + shown if c.right else shown + pad)
            lines.append(GAP.join(parts).rstrip())
    return lines


# --- caseload ----------------------------------------------------------------------------------

SHORT_LABELS = {
    "decision": "decide",
    "first-contact": "1st contact",
    "baseline": "baseline",
    "review": "review",
    "closure": "close",
}


def _next_due(item, today: date, wide: bool) -> tuple[list[str], str]:
    due = item.next_due
    label = due.label if wide else SHORT_LABELS.get(due.what, due.label)
    return [f"{label} {when_due(due, today, wide)}"], DUE_STYLE[due.status]


def _warnings(item, support_weeks: int, wide: bool) -> tuple[list[str], str]:
    if wide:
        return [w.text for w in item.warnings], "red"
    short = {
        "no-contact": f"no contact {item.days_waiting}d",
        "pending": f"pending {item.days_waiting}d",
        "over-weeks": f"over {support_weeks} wk{'' if support_weeks == 1 else 's'}",
        "concern": "SAFEGUARDING",
    }
    return [short[w.code] for w in item.warnings], "red"


def _week(item, support_weeks: int) -> tuple[list[str], str]:
    if item.status == "pending":
        return ["pending"], "dim"
    if item.week is None:
        return [], ""
    return [f"{item.week}/{support_weeks}"], "bold red" if item.week > support_weeks else ""


def _goals(item, wide: bool) -> str:
    if not item.goals_set:
        return "-"
    if wide:
        return f"{item.goals_achieved} of {item.goals_set} met"
    return f"{item.goals_achieved}/{item.goals_set}"


def _plan(item, today: date, wide: bool) -> tuple[list[str], str]:
    """The next arranged contact (red once its day has passed); `none` (red) when nothing is
    arranged and there has been no contact for two weeks."""
    if item.next_plan is None:
        return (["none planned" if wide else "none"], "bold red") if item.unplanned else (["-"], "")
    day = date.fromisoformat(item.next_plan)
    shown = item.next_plan if wide else ("today" if day == today else day.strftime("%d/%m"))
    return [shown], "red" if day < today else ""


def _last(item, wide: bool) -> str:
    if item.last_contact is None:
        return "none"
    days = f"{item.days_since_contact}d"
    return f"{item.last_contact} ({days})" if wide else days


def _open_rows(data, today: date, *, wide: bool) -> tuple[list[Column], list[list]]:
    """The wide layout (more columns, dates, longer words) when it fits, else the narrow one."""
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=30 if wide else 22),
        *([Column("Referred")] if wide else []),
        Column("Week"),
        Column("Last contact" if wide else "Last"),
        Column("Goals", right=True),
        Column("Plan"),
        Column("Next due", min_width=12),
        Column("Warnings", min_width=10, wrap=True),
    ]
    rows = []
    for item in data.open:
        rows.append(
            [
                ([str(item.person_id)], ""),
                ([item.name], ""),
                *([([item.referral_date], "")] if wide else []),
                _week(item, data.support_weeks),
                ([_last(item, wide)], ""),
                ([_goals(item, wide)], ""),
                _plan(item, today, wide),
                _next_due(item, today, wide),
                _warnings(item, data.support_weeks, wide),
            ]
        )
    return columns, rows


def _follow_up_rows(data, today: date) -> tuple[list[Column], list[list]]:
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=30),
        Column("Closed"),
        Column("Follow-up", min_width=10, wrap=True),
    ]
    rows = []
    for item in data.follow_ups:
        due = item.due
        state = f"{due.days_late(today)}d late" if due.status == "overdue" else "due now"
        rows.append(
            [
                ([str(item.person_id)], ""),
                ([item.name], ""),
                ([item.closure_date], ""),
                ([f"{state} (window {due.due_from} to {due.due_by})"], DUE_STYLE[due.status]),
            ]
        )
    return columns, rows


def _concern_lines(concerns: list[dict], paint) -> list[str]:
    """Open safeguarding concerns above everything else, each on its own line."""
    if not concerns:
        return []
    lines = [paint(f"Open safeguarding concerns: {len(concerns)}", "bold red")]
    for c in concerns:
        lines.append(
            f"  concern {c['id']}: #{c['person_id']} {c['person_name']} ({c['category']}, "
            f"raised {c['date']})"
        )
    lines.append(paint("  `connector concern list --open` for details.", "dim"))
    lines.append("")
    return lines


def caseload(data, *, as_json: bool) -> None:
    if as_json:
        print_json(data.to_dict())
        return
    paint, width = _painter(), _width()
    today = date.fromisoformat(data.today)
    lines = _concern_lines(data.open_concerns, paint)
    if not data.open:
        lines.append("No open episodes. Add a referral with `connector new-referral`.")
    else:
        pending = sum(item.status == "pending" for item in data.open)
        lines.append(
            f"Caseload on {data.today}: {len(data.open)} open ({pending} pending), "
            "most urgent first."
        )
        columns, rows = _open_rows(data, today, wide=True)
        if _overflow(columns, _widths(columns, rows, width, True), width) > 0:
            columns, rows = _open_rows(data, today, wide=False)  # the 80-column layout
        lines.extend(table(columns, rows, paint, width))
    if data.follow_ups:
        lines.append("")
        lines.append(paint(f"Follow-up due after closure: {len(data.follow_ups)}", "bold"))
        lines.extend(table(*_follow_up_rows(data, today), paint, width))
    if data.open or data.follow_ups:
        lines.append("")
        lines.append(
            paint("Week: of support. Goals: achieved/set. `connector show N`: one story.", "dim")
        )
        lines.append(
            paint(
                "Plan: next contact arranged; none: no contact for 2 weeks and none arranged.",
                "dim",
            )
        )
    sys.stdout.write("\n".join(lines) + "\n")


# --- check -------------------------------------------------------------------------------------


def check(result, *, as_json: bool) -> None:
    """Nothing at all when complete; otherwise each problem under its person, then a count of
    problems by rule and the completeness figure. A long problem wraps under its own indent;
    a fix stays on one line, so it can be copied whole; its hint (the values a placeholder
    takes) wraps on the lines below it. Written a batch of lines at a time: `check --all` on a
    large history finds tens of thousands of problems."""
    if as_json:
        _check_json(result)
        return
    if result.complete:
        return
    paint, width = _painter(), _width()
    plain = paint is _plain
    lines: list[str] = []
    person = None
    for problem in result.problems:
        if problem.person_id != person:
            if person is not None:
                lines.append("")
                if len(lines) >= BATCH:
                    sys.stdout.write("\n".join(lines) + "\n")
                    lines.clear()
            person = problem.person_id
            heading = f"{problem.name} (#{person})"
            lines.append(heading if plain else paint(heading, "bold"))
        text = problem.problem
        if len(text) + 2 <= width:  # most problems fit on one line
            lines.append("  " + text)
        else:
            lines.extend(_wrapped(text, "  ", width))
        fix = FIX + problem.fix  # never wrapped: copy and paste it
        lines.append(fix if plain else paint(fix, "cyan"))
        if problem.hint:
            lines.extend(_wrapped_hint(problem.hint, width))
    lines.append("")
    lines.extend(_summary(result))
    sys.stdout.write("\n".join(lines) + "\n")


BATCH = 5000  # lines (or problems, in JSON) written at a time
FIX = "    fix: "
HINT = " " * len(FIX)  # under the command


def _check_json(result) -> None:
    """`result.to_dict()` as print_json writes it, the problems a batch at a time."""
    import json

    if len(result.problems) <= BATCH:
        print_json(result.to_dict())
        return
    write = sys.stdout.write
    write('{"problems": [')
    for start in range(0, len(result.problems), BATCH):
        batch = result.problems[start : start + BATCH]
        text = ", ".join(json.dumps(p.to_dict(), ensure_ascii=False) for p in batch)
        write(text if start == 0 else ", " + text)
    figures = json.dumps(result.figures(), ensure_ascii=False, default=str)
    write("], " + figures[1:] + "\n")


def check_scope(scope, *, seconds: float) -> None:
    """One line on stderr saying what `check` looked at (stdout stays silent when complete)."""
    if scope.everything:
        episodes = f"{scope.episodes:,} episode{'' if scope.episodes == 1 else 's'}"
        text = f"Checked the whole history ({episodes}) in {seconds:.1f} s."
    else:
        since = f"{scope.since.day} {scope.since:%B %Y}"
        quarters = " and ".join(scope.quarters)
        text = (
            f"Checked open episodes, follow-ups still to take and all work since {since} "
            f"({quarters}); `connector check --all` checks every year."
        )
    sys.stdout.flush()
    print(text, file=sys.stderr)


@functools.cache
def _wrapped_hint(hint: str, width: int) -> tuple[str, ...]:
    """A hint wrapped under its fix, once per hint: many problems share the same few hints."""
    return tuple(_wrapped(hint, HINT, width, hang=""))


def _wrapped(text: str, indent: str, width: int, hang: str = "  ") -> list[str]:
    """Greedy word wrap, later lines indented by `hang` more (textwrap is ten times slower on
    long lists)."""
    if len(indent) + len(text) <= width:
        return [indent + text]
    lines, line = [], indent
    for word in text.split(" "):
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = indent + hang + word
        else:
            line = f"{line} {word}" if line.strip() else line + word
    lines.append(line)
    return lines


def _summary(result) -> list[str]:
    from collections import Counter

    count, people = len(result.problems), len({p.person_id for p in result.problems})
    lines = [
        f"{count} problem{'s' if count != 1 else ''} for {people} "
        f"{'person' if people == 1 else 'people'}:"
    ]
    for rule, n in Counter(p.rule for p in result.problems).most_common():
        lines.append(f"  {n:>6}  {rule}")
    lines.append(completeness_line(result))
    if result.coverage_pct is not None:
        lines.append(coverage_line(result))
    return lines


def completeness_line(result) -> str:
    """Over every closed episode with --all; by default over the closed episodes checked."""
    checked = "" if result.scope.everything else " checked"
    if result.completeness_pct is None:
        if result.scope.everything:
            return "Data completeness: no closed episodes yet."
        return "Data completeness: no closed episodes among those checked."
    episodes = result.closed_episodes
    return (
        f"Data completeness over {episodes:,} closed episode{'' if episodes == 1 else 's'}"
        f"{checked}: {result.completeness_pct:.1f}%."
    )


def coverage_line(result) -> str:
    """Outcome coverage: unlike completeness, a "declined" or "could not contact" skip does not
    count, so it says how many closed episodes the outcome figures speak for."""
    which = "closed episodes" if result.scope.everything else "the closed episodes checked"
    return (
        f"Outcome coverage: {result.coverage_pct:.1f}% of {which} have baseline and end UCLA "
        "scores."
    )


# --- config ------------------------------------------------------------------------------------


def settings_table(settings: list, *, as_json: bool) -> None:
    if as_json:
        print_json({"settings": {s.key: s.value for s in settings}})
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Setting", no_wrap=True)
    table.add_column("Value", justify="right", no_wrap=True)
    table.add_column("What it means", overflow="fold")
    words = [s for s in settings if not isinstance(s.default, int)]  # the scheme's own words
    for s in settings:
        if s not in words:
            value = str(s.value) if s.value == s.default else f"{s.value} (default {s.default})"
            table.add_row(s.key, value, s.description)
    out = console()
    out.print(table)
    for s in words:
        value = "(not set)" if s.value is None else s.value.replace("\n", " / ")
        out.print(f"\n{s.key}: {escape(value)}\n  [dim]{s.description}[/dim]")


def setting_changed(setting, *, as_json: bool) -> None:
    if as_json:
        print_json({"key": setting.key, "value": setting.value, "default": setting.default})
        return
    if setting.value is None:
        text = f"{setting.key} is not set."
    elif isinstance(setting.value, str):
        text = f"{setting.key} = {setting.value}"
    else:
        note = " (the default)" if setting.value == setting.default else ""
        text = f"{setting.key} = {setting.value}{note}."
    console().print(text, markup=False, highlight=False)
