"""How measures are shown: score results, instruments, and the trajectory in `show`.

Plain text for the score commands (they must start in a blink, so no Rich); `render_measures`
draws on the Rich console `show` passes in. Honest presentation (measures.md §5): bands are
called conventions, SWEMWBS sits beside the England mean and is never called low, ONS4 items
are never added together, and anxiety is marked lower-is-better.

Human text is fitted to the terminal, breaking only between words, with continuation lines
indented under the line they continue (plain `textwrap` for the score commands; `_print` for
Rich). Human output names instruments and items (UCLA, "life satisfaction"); the keys stay in
--json.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from datetime import date, timedelta

import typer

from connector_cli import surveys

# --- Fitting text to the terminal ------------------------------------------------------------


def text_width() -> int:
    """Columns for plain text: the terminal's (COLUMNS wins), at most 100 for reading, less one
    so that a full line never wraps on its own."""
    return max(40, min(100, shutil.get_terminal_size().columns) - 1)


KEEP = "\x00"  # a space `wrap` must not break at (put back after wrapping)


def wrap(text: str, indent: str = "", hang: str = "  ") -> str:
    """One paragraph fitted to the terminal, broken only between words; continuation lines are
    indented by `hang` more than the first."""
    return textwrap.fill(
        text,
        text_width(),
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def echo(text: str, indent: str = "", hang: str = "  ") -> None:
    typer.echo(wrap(text, indent, hang))


def _breaks(plain: str, first: int, rest: int) -> list[int]:
    """Where to start each new line so that no line is longer than its room (the first line
    has `first` columns, the others `rest`), breaking at spaces only."""
    offsets, start, room = [], 0, first
    while len(plain) - start > room:
        cut = plain.rfind(" ", start + 1, start + room + 1)
        if cut == -1:  # one long word: let it run over rather than cut it
            cut = plain.find(" ", start + room)
            if cut == -1:
                break
        start = cut + 1
        while start < len(plain) and plain[start] == " ":
            start += 1
        offsets.append(start)
        room = rest
    return offsets


def _print(out, markup: str, indent: int = 0, hang: int = 2) -> None:
    """One line of Rich markup fitted to the console `out`, indented by `indent` columns, its
    continuation lines by `indent + hang`: Rich alone would start them at the left edge."""
    from rich.text import Text

    text = Text.from_markup(markup)
    width = max(20, out.width)
    offsets = _breaks(text.plain, width - indent, max(10, width - indent - hang))
    for number, line in enumerate(text.divide(offsets)):
        line.rstrip()
        out.print(Text(" " * (indent if number == 0 else indent + hang)) + line)


def _number(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _range(instrument) -> str:
    low, high = instrument.score_range
    return f"{low:g}-{high:g}"


def _signed(value) -> str:
    text = _number(value)
    return text if text.startswith("-") else f"+{text}"


# --- Score results ---------------------------------------------------------------------------


def score_json(result, saved: bool) -> dict:
    """The JSON shapes fixed in cli.md (ucla3, swemwbs, ons4); the others follow the result."""
    instrument = result.instrument
    if instrument == "ucla3":
        data = {
            "instrument": instrument,
            "answers": result.answers,
            "score": result.score,
            "band": result.band,
            "most_lonely": result.most_lonely,
            "saved": saved,
        }
        if "lonely_direct" in result.extra:
            data["lonely_direct"] = result.extra["lonely_direct"]
        return data
    if instrument == "swemwbs":
        return {
            "instrument": instrument,
            "answers": result.answers,
            "raw": result.raw,
            "metric": result.score,
            "saved": saved,
        }
    if instrument == "ons4":
        items = {
            key: {"score": value, "band": result.item_bands[key]}
            for key, value in result.item_scores.items()
        }
        return {"instrument": instrument, "items": items, "saved": saved}
    data = {"instrument": instrument, "answers": result.answers, "score": result.score}
    if result.subscores:
        data["subscores"] = result.subscores
    return {**data, "saved": saved}


def _direction(instrument) -> str:
    return "higher is lonelier" if instrument.lower_is_better else "higher is better"


def score_lines(result) -> list[str]:
    """A plain reading of one result, with the honest notes the instrument needs."""
    instrument = surveys.get_instrument(result.instrument)
    if instrument.rule == "separate":
        return _ons4_lines(instrument, result.item_scores, result.item_bands)
    span = f"range {_range(instrument)}, {_direction(instrument)}"
    if instrument.id == "ucla3":
        most = "; most lonely (score 8–9)" if result.most_lonely else ""
        lines = [
            f"UCLA loneliness score {result.score} ({span}): "
            f"{surveys.band_label('ucla3', result)}{most}.",
            instrument.band_note,
        ]
        if "lonely_direct" in result.extra:
            choice = instrument.direct_question.label_for(result.extra["lonely_direct"])
            lines.append(f"How often they feel lonely: {choice}.")
        return lines
    if instrument.id == "swemwbs":
        return [
            f"SWEMWBS metric score {result.score:.2f} (raw score {result.raw}; {span}).",
            f"{instrument.comparator} Warwick sets no cut point: compare with the mean.",
        ]
    parts = ", ".join(f"{k} {v}" for k, v in (result.subscores or {}).items())
    detail = f"{parts}; {span}" if parts else span
    return [f"{instrument.name} total {result.score} ({detail}).", instrument.band_note]


def _ons4_lines(instrument, scores: dict, bands: dict) -> list[str]:
    lines = [f"{instrument.name}: four separate items (0-10), never added together."]
    for item in instrument.items:
        note = f"UK mean {item.comparator}" + (", lower is better" if item.lower_is_better else "")
        lines.append(f"  {item.label:<18} {scores[item.key]:>2}  {bands[item.key]:<10} ({note})")
    lines.append("Bands are the ONS thresholds; UK means from ONS, 2018.")
    return lines


def print_score(result, *, as_json: bool, saved_as: str | None) -> None:
    if as_json:
        typer.echo(json.dumps(score_json(result, saved_as is not None), ensure_ascii=False))
        return
    for line in score_lines(result):
        body = line.lstrip(" ")
        echo(body, indent=" " * (len(line) - len(body)))
    echo(f"Saved: {saved_as}." if saved_as else "Not saved (no --person given).")


# --- Instruments -----------------------------------------------------------------------------


def survey_list(as_json: bool) -> None:
    rows = []
    for instrument_id in surveys.INSTRUMENT_IDS:
        instrument = surveys.get_instrument(instrument_id)
        rows.append(
            {
                "id": instrument.id,
                "version": instrument.version,
                "title": instrument.title,
                "items": len(instrument.items),
                "default": not instrument.optional,
            }
        )
    if as_json:
        typer.echo(json.dumps({"instruments": rows}, ensure_ascii=False))
        return
    for row in rows:
        kind = "default" if row["default"] else "optional"
        head = f"{row['id']:<8} {row['items']:>2} items  {kind:<8}  "
        echo(head + row["title"], hang=" " * len(head))
    echo("`connector survey show ID` shows the whole form; the ID is what commands take.")


def _item_heading(item) -> str:
    """ONS4 items are known by their label ("Life satisfaction: Overall, how ..."); the others
    by their wording alone."""
    return f"{item.label}: {item.text}" if item.label else item.text


def survey_show(instrument_id: str) -> None:
    """The whole form: wording, options, scoring notes and (where it applies) the notice."""
    instrument = surveys.get_instrument(instrument_id)
    echo(f"{instrument.title} (id {instrument.id}, version {instrument.version})")
    if instrument.notice:
        echo(instrument.notice)
    echo(instrument.introduction)
    shared = instrument.options
    if shared:
        echo("Options: " + " · ".join(f"{o.label} = {o.value}" for o in shared), hang=" " * 9)
    number_width = len(str(len(instrument.items))) + 2  # "1. " or "10. " for 14 items
    for number, item in enumerate(instrument.items, 1):
        head = f"{number}.".ljust(number_width)
        echo(head + _item_heading(item), hang=" " * number_width)
        if not shared:
            echo(" · ".join(o.label for o in item.options), indent=" " * number_width)
    question = instrument.direct_question
    if question is not None:
        echo(f"Also asked: {question.text}")
        choices = " · ".join(f"{c.label} ({c.slug})" for c in question.choices)
        echo(choices, indent=" " * 3)
    for note in (instrument.band_note, instrument.comparator):
        if note:
            echo(note)


def item_name(item) -> str:
    """An item as people say it: its label ("life satisfaction"), else its key in words
    ("left out", "dealing with problems")."""
    return (item.label or item.key.replace("_", " ")).lower()


def item_answers(instrument, items: dict[str, int], before_value: str = " ") -> str:
    """'life satisfaction 4, worthwhile 5, ...' in form order, named as people say them."""
    names = {item.key: item_name(item) for item in instrument.items}
    return ", ".join(f"{names.get(key, key)}{before_value}{value}" for key, value in items.items())


def _measure_result(m: dict) -> str:
    instrument = surveys.get_instrument(m["instrument"])
    if m["skipped_reason"]:
        return f"not collected ({m['skipped_reason']})"
    if m["score"] is None:  # ONS4: an item's answer never wraps away from its name
        value = item_answers(instrument, m["items"], before_value=KEEP)
    else:
        value = _number(m["score"]) + (f" (raw {m['raw']})" if m["raw"] is not None else "")
    question = instrument.direct_question
    if question and m["extra"].get(question.key) in question.slugs:
        value += f"; feels lonely: {question.label_for(m['extra'][question.key]).lower()}"
    return value


def measure_list(measures: list[dict], name: str) -> None:
    if not measures:
        echo(f"No measures recorded for {name} in this episode.")
        return
    names = {m["id"]: _short(m["instrument"]) for m in measures}
    width = max(len("Measure"), *map(len, names.values()))
    head = f"{'#':>4}  {'Date':<10}  {'Measure':<{width}}  {'Stage':<9}  "
    echo(head + "Result [who asked]")
    for m in measures:
        start = f"{m['id']:>4}  {m['date']}  {names[m['id']]:<{width}}  {m['stage']:<9}  "
        by = f"[by{KEEP}{m['administered_by']}]"  # never split over two lines
        line = wrap(f"{start}{_measure_result(m)}  {by}", hang=" " * len(start))
        typer.echo(line.replace(KEEP, " "))
    echo("`connector measure remove #` removes one recorded by mistake.")


# --- `show`: trajectories and what is due next ----------------------------------------------

SHORT_NAMES = {
    "ucla3": "UCLA",
    "swemwbs": "SWEMWBS",
    "ons4": "ONS4",
    "wemwbs": "WEMWBS",
    "djg6": "De Jong Gierveld",
}
ITEM_WIDTH = 26


def _short(instrument_id: str) -> str:
    return SHORT_NAMES.get(instrument_id) or surveys.get_instrument(instrument_id).name


def _values(line: dict, skipped: str | None = None) -> str:
    """The scores in stage order; a stage not collected shows its reason (or `skipped`)."""
    return " → ".join(
        (skipped or f"not collected ({p['skipped_reason']})")
        if "skipped_reason" in p
        else _number(p["score"])
        for p in line["points"]
    )


def _stages(line: dict, reasons: bool = False) -> str:
    return " → ".join(
        f"{p['stage']} not collected ({p['skipped_reason']})"
        if reasons and "skipped_reason" in p
        else p["stage"]
        for p in line["points"]
    )


def _bands(line: dict) -> str:
    return " → ".join(p["band"] for p in line["points"] if p.get("band"))


def _change(instrument, line: dict) -> str:
    direction = "lower is better" if instrument.lower_is_better else "higher is better"
    if line["change"] is None:
        return direction
    return f"change {_signed(line['change'])}, {direction}"


def _scale_lines(out, instrument, line: dict) -> None:
    """UCLA, SWEMWBS and the optional totals: one line of values, then what they mean."""
    _print(out, f"{_short(instrument.id)}  {_values(line)}  [dim]({_stages(line)})[/dim]", 2, 4)
    notes = [_bands(line), _change(instrument, line)]
    if instrument.comparator_values:
        means = ", ".join(f"{v} {k}" for k, v in instrument.comparator_values.items())
        notes.append(f"England mean {means}; no cut point")
    _print(out, "; ".join(n for n in notes if n), 4)
    if instrument.bands:
        low, high, label = instrument.bands[-1]  # the band the labels warn about (lonely)
        _print(
            out,
            "[dim]Bands are a statistical convention, not a diagnosis: "
            f"{label} = score {low}–{high}.[/dim]",
            4,
        )
    question = instrument.direct_question
    felt = [p for p in line["points"] if question and question.key in p]
    if felt:
        labels = " → ".join(
            f"{p['stage']} {question.label_for(p[question.key]).lower()}" for p in felt
        )
        _print(out, f"Feels lonely: {labels}", 4)


def _item_lines(out, instrument, lines: list[dict]) -> None:
    """ONS4: one line per item, never added together; anxiety marked lower-is-better."""
    _print(
        out,
        f"{_short(instrument.id)}  [dim]({_stages(lines[0], reasons=True)}; items are "
        "never added together)[/dim]",
        2,
        4,
    )
    for line in lines:
        item = next(i for i in instrument.items if i.key == line["item"])
        label = item.label + (" (lower is better)" if item.lower_is_better else "")
        _print(
            out,
            f"{label:<{ITEM_WIDTH}}{_values(line, skipped='-')}  {_bands(line)}  "
            f"[dim](UK mean {item.comparator})[/dim]",
            4,
            ITEM_WIDTH,
        )


def _instrument_lines(out, instrument_id: str, lines: list[dict]) -> None:
    instrument = surveys.get_instrument(instrument_id)
    if instrument.rule == "separate":
        _item_lines(out, instrument, lines)
    else:
        _scale_lines(out, instrument, lines[0])


def _when(item: dict) -> str:
    stage, status, first, last = item["stage"], item["status"], item["due_from"], item["due_by"]
    if status == "overdue":
        if stage == "baseline":
            return f"overdue: the first support contact was {last}"
        if stage == "end":
            return f"overdue: the episode closed on {last}"
        return f"overdue: the window ended {last}"
    if stage == "baseline":
        return "now, before or at the first support contact" + (f" ({last})" if last else "")
    if stage == "end" and last is None:
        reached = "planned support has ended" if status == "due" else f"planned end from {first}"
        return f"at closure ({reached})"
    if stage == "end":
        return f"now (the episode closed on {last})"
    if status == "due":
        return f"now, until {last}"
    return f"from {first} to {last}"


def _not_yet_asked(item: dict) -> str:
    """Past its window but not a gap `connector check` reports: worth asking, not overdue."""
    stage, last = item["stage"], item["due_by"]
    if stage == "baseline":
        return f"not yet asked (first support contact {last}; only UCLA is required)"
    if stage == "review":
        return f"not yet asked (the review window ended {last}; reviews are not required)"
    if stage == "end":
        from connector_cli.measures_due import END_DAYS_AFTER

        until = (date.fromisoformat(last) + timedelta(days=END_DAYS_AFTER)).isoformat()
        return (
            f"not yet asked (closed on {last}; not required, as not asked at baseline; can be "
            f"recorded until {until})"
        )
    return f"not yet asked (the window ended {last}; only UCLA is required)"


def _due_groups(episode: dict, due: list[dict]) -> list[tuple[dict, bool, list[str]]]:
    """Items due together, split by whether `connector check` reports them once overdue."""
    from connector_cli.measures_due import check_reports

    asked = {m["instrument"] for m in episode.get("measures") or [] if m["stage"] == "baseline"}
    groups: dict[tuple, tuple[dict, bool, list[str]]] = {}
    for item in due:
        late = item["status"] == "overdue"
        reported = not late or check_reports(item["instrument"], item["stage"], asked)
        key = (item["stage"], item["status"], item["due_from"], item["due_by"], reported)
        name = _short(item["instrument"])
        groups.setdefault(key, (item, reported, []))[2].append(name)
    return list(groups.values())


def due_lines(episode: dict) -> list[str]:
    """'Due next' sentences: everything due or overdue, else the next upcoming stage. Only
    what `connector check` would report is called overdue; the rest is "not yet asked"."""
    if episode["status"] == "pending":
        return ["Due next: baseline measures, once the referral is accepted."]
    if episode["status"] != "accepted":
        return []
    groups = _due_groups(episode, episode.get("measures_due") or [])
    pressing = [g for g in groups if g[0]["status"] != "upcoming"]
    shown = pressing or groups[:1]
    if not shown:
        return ["Due next: nothing - every measure for this episode is recorded."]
    lines = []
    for item, reported, names in shown:
        when = _when(item) if reported else _not_yet_asked(item)
        colour = {"overdue": "red", "due": "yellow"}.get(item["status"], "")
        colour = colour if reported else "yellow"
        text = f"{item['stage']} {', '.join(names)} - {when}"
        lines.append(f"Due next: [{colour}]{text}[/{colour}]" if colour else f"Due next: {text}")
    return lines


def render_measures(out, episode: dict) -> None:
    lines = episode.get("measures_trajectory") or []
    if not lines:
        _print(out, "[yellow]Measures: none recorded yet[/yellow] (connector ucla score ...)")
    else:
        out.print("[bold]Measures[/bold]")
        by_instrument: dict[str, list[dict]] = {}
        for line in lines:
            by_instrument.setdefault(line["instrument"], []).append(line)
        for instrument_id, mine in by_instrument.items():
            _instrument_lines(out, instrument_id, mine)
    step = next_step_line(episode)
    if step:
        _print(out, step, 0, len("Next step: "))
    for text in due_lines(episode):
        _print(out, text, 0, len("Due next: "))


def next_step_line(episode: dict) -> str | None:
    """The next step on the pathway, in the words and from the engine `caseload` uses."""
    from connector_cli import dates
    from connector_cli.due import Due
    from connector_cli.wording import DUE_STYLE, when_due

    found = episode.get("next_step")
    if not found:
        return None
    step = Due(**{**found, "instruments": tuple(found["instruments"])})
    text = f"{step.label} {when_due(step, dates.today(), True)}"
    style = DUE_STYLE[step.status]
    return f"Next step: [{style}]{text}[/{style}]" if style else f"Next step: {text}"
