"""How `show` presents a person's measures (replaced by the questionnaires work)."""

from __future__ import annotations


def render_measures(out, episode: dict) -> None:
    if not episode["measures"]:
        out.print("[yellow]Measures: none recorded yet[/yellow]")
        return
    out.print("[bold]Measures[/bold]")
    for m in episode["measures"]:
        value = m["skipped_reason"] and f"not collected ({m['skipped_reason']})" or m["score"]
        out.print(f"  {m['date']} {m['instrument']} {m['stage']}: {value}")
