"""How measures are shown: score results, instruments, and the trajectory in `show`.

Plain text for the score commands (they must start in a blink, so no Rich); `render_measures`
draws on the Rich console `show` passes in. Honest presentation (measures.md §5): bands are
called conventions, SWEMWBS sits beside the England mean and is never called low, ONS4 items
are never added together, and anxiety is marked lower-is-better.
"""

from __future__ import annotations

import json

import typer

from connector_cli import surveys


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
        typer.echo(line)
    typer.echo(f"Saved: {saved_as}." if saved_as else "Not saved (no --person given).")


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
        typer.echo(f"{row['id']:<8} {row['items']:>2} items  {kind:<8}  {row['title']}")


def survey_show(instrument_id: str) -> None:
    """The whole form: wording, options, scoring notes and (where it applies) the notice."""
    instrument = surveys.get_instrument(instrument_id)
    typer.echo(f"{instrument.title} (id {instrument.id}, version {instrument.version})")
    if instrument.notice:
        typer.echo(instrument.notice)
    typer.echo(instrument.introduction)
    shared = instrument.options
    if shared:
        typer.echo("Options: " + " · ".join(f"{o.label} = {o.value}" for o in shared))
    for number, item in enumerate(instrument.items, 1):
        typer.echo(f"{number}. {item.text}  [{item.key}]")
        if not shared:
            typer.echo("   " + " · ".join(o.label for o in item.options))
    question = instrument.direct_question
    if question is not None:
        typer.echo(f"Also asked: {question.text} [{question.key}]")
        typer.echo("   " + " · ".join(f"{c.label} ({c.slug})" for c in question.choices))
    for note in (instrument.band_note, instrument.comparator):
        if note:
            typer.echo(note)


def measure_list(measures: list[dict], name: str) -> None:
    if not measures:
        typer.echo(f"No measures recorded for {name} in this episode.")
        return
    for m in measures:
        if m["skipped_reason"]:
            value = f"not collected ({m['skipped_reason']})"
        elif m["score"] is None:
            value = " ".join(f"{k}={v}" for k, v in m["items"].items())
        else:
            value = _number(m["score"]) + (f" (raw {m['raw']})" if m["raw"] is not None else "")
        typer.echo(
            f"{m['id']:>4}  {m['date']}  {m['instrument']:<8} {m['stage']:<10} {value}"
            f"  [by {m['administered_by']}]"
        )


# --- `show`: trajectories and what is due next ----------------------------------------------

SHORT_NAMES = {"ucla3": "UCLA", "swemwbs": "SWEMWBS", "ons4": "ONS4", "wemwbs": "WEMWBS"}
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
    out.print(f"  {_short(instrument.id)}  {_values(line)}  [dim]({_stages(line)})[/dim]")
    notes = [_bands(line), _change(instrument, line)]
    if instrument.comparator_values:
        means = ", ".join(f"{v} {k}" for k, v in instrument.comparator_values.items())
        notes.append(f"England mean {means}; no cut point")
    out.print("    " + "; ".join(n for n in notes if n))
    if instrument.bands:
        low, high, label = instrument.bands[-1]  # the band the labels warn about (lonely)
        out.print(
            "    [dim]Bands are a statistical convention, not a diagnosis: "
            f"{label} = score {low}–{high}.[/dim]"
        )
    question = instrument.direct_question
    felt = [p for p in line["points"] if question and question.key in p]
    if felt:
        labels = " → ".join(
            f"{p['stage']} {question.label_for(p[question.key]).lower()}" for p in felt
        )
        out.print(f"    Feels lonely: {labels}")


def _item_lines(out, instrument, lines: list[dict]) -> None:
    """ONS4: one line per item, never added together; anxiety marked lower-is-better."""
    out.print(
        f"  {_short(instrument.id)}  [dim]({_stages(lines[0], reasons=True)}; items are "
        "never added together)[/dim]"
    )
    for line in lines:
        item = next(i for i in instrument.items if i.key == line["item"])
        label = item.label + (" (lower is better)" if item.lower_is_better else "")
        out.print(
            f"    {label:<{ITEM_WIDTH}}{_values(line, skipped='-')}  {_bands(line)}  "
            f"[dim](UK mean {item.comparator})[/dim]"
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


def _due_groups(due: list[dict]) -> list[tuple[dict, list[str]]]:
    groups: dict[tuple, tuple[dict, list[str]]] = {}
    for item in due:
        key = (item["stage"], item["status"], item["due_from"], item["due_by"])
        name = _short(item["instrument"])
        groups.setdefault(key, (item, []))[1].append(name)
    return list(groups.values())


def due_lines(episode: dict) -> list[str]:
    """'Due next' sentences: everything due or overdue, else the next upcoming stage."""
    if episode["status"] == "pending":
        return ["Due next: baseline measures, once the referral is accepted."]
    if episode["status"] != "accepted":
        return []
    groups = _due_groups(episode.get("measures_due") or [])
    pressing = [g for g in groups if g[0]["status"] != "upcoming"]
    shown = pressing or groups[:1]
    if not shown:
        return ["Due next: nothing - every measure for this episode is recorded."]
    lines = []
    for item, names in shown:
        colour = {"overdue": "red", "due": "yellow"}.get(item["status"], "")
        text = f"{item['stage']} {', '.join(names)} - {_when(item)}"
        lines.append(f"Due next: [{colour}]{text}[/{colour}]" if colour else f"Due next: {text}")
    return lines


def render_measures(out, episode: dict) -> None:
    lines = episode.get("measures_trajectory") or []
    if not lines:
        out.print("[yellow]Measures: none recorded yet[/yellow] (connector ucla score ...)")
    else:
        out.print("[bold]Measures[/bold]")
        by_instrument: dict[str, list[dict]] = {}
        for line in lines:
            by_instrument.setdefault(line["instrument"], []).append(line)
        for instrument_id, mine in by_instrument.items():
            _instrument_lines(out, instrument_id, mine)
    for text in due_lines(episode):
        out.print(text)
