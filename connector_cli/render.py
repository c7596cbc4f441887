"""Rich output for the core pathway: the only place that builds tables and panels for it."""

from __future__ import annotations

import json
import re
import sys


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _label(code_list, slug: str | None, default: str = "not asked") -> str:
    from connector_cli import codes

    if slug is None:
        return default
    try:
        return codes.label(code_list, slug)
    except KeyError:
        return slug


def plain_table(out, columns: list[tuple[str, str]], rows: list[tuple[str, ...]]) -> bool:
    """Print a borderless table as Rich's Table(box=None, pad_edge=False) lays it out when it
    fits the width, as plain lines written in one go: Rich takes about half a second for a
    few hundred rows, this a millisecond. Returns False, printing nothing, when the table is
    too wide or a cell holds markup, so the caller can let Rich print it.
    `columns` are (header, "left" or "right").
    """
    from rich.cells import cell_len

    lines = [tuple(header for header, _ in columns), *rows]
    cells = [cell for line in lines for cell in line]
    joined = "\x00".join(cells)
    if joined.count("\x00") != len(cells) - 1 or _NOT_PLAIN.search(joined):
        return False
    lengths = [[len(c) if c.isascii() else cell_len(c) for c in line] for line in lines]
    widths = [max(column) for column in zip(*lengths, strict=True)]
    if sum(widths) + 2 * (len(widths) - 1) > out.width:
        return False
    right = [justify == "right" for _, justify in columns]

    def line(cells, lengths) -> str:
        return "  ".join(
            " " * (width - n) + cell if to_right else cell + " " * (width - n)
            for cell, n, width, to_right in zip(cells, lengths, widths, right, strict=True)
        )

    text = [line(cells, n) for cells, n in zip(lines, lengths, strict=True)]
    if out.color_system is not None and not out.no_color:
        text[0] = f"\x1b[1m{text[0]}\x1b[0m"  # the bold header Rich would print
    out.file.write("\n".join(text) + "\n")
    out.file.flush()
    return True


# What Rich would not print as it is: markup, emoji codes, control characters, edge spaces.
_NOT_PLAIN = re.compile(r"[\[:\x01-\x1f\x7f]|^\s|\s$|\s\x00|\x00\s")


def _db_name() -> str:
    """Which file an empty answer came from: an empty list from the wrong file looks like loss."""
    from connector_cli import session

    return _e(str(session.db_path()))


def people_table(people: list[dict], *, include_closed: bool) -> None:
    out = console()
    if not people:
        out.print(
            f"No one yet in {_db_name()}. Add a referral with `connector new-referral`."
            if include_closed
            else f"No open episodes in {_db_name()}. `connector people --all` lists everyone."
        )
        return
    columns = [
        ("#", "right"),
        ("Name", "left"),
        ("Area", "left"),
        ("Status", "left"),
        ("Referred", "left"),
        ("Last contact", "left"),
    ]
    rows = [
        (
            str(p["person_id"]),
            p["name"],
            p["area"] or "",
            "closed" if p["closure_date"] else p["status"],
            p["referral_date"],
            p["last_contact"] or "none yet",
        )
        for p in people
    ]
    if plain_table(out, columns, rows):
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column, justify in columns:
        table.add_column(column, justify=justify, overflow="fold")
    for row in rows:
        table.add_row(*(_e(cell) for cell in row))
    out.print(table)


def _e(text: object) -> str:
    """User text, printed as typed: '[' in a name or note is not Rich markup."""
    from rich.markup import escape

    from connector_cli.clean import for_terminal

    return escape(for_terminal(str(text)))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _person_header(person: dict, episode: dict) -> str:
    from connector_cli import codes

    age = episode["age_at_referral"]
    bits = [
        f"[bold]{_e(person['name'])}[/bold] (#{person['id']})",
        f"age {age} at referral"
        if age is not None
        else ("age not stated" if episode["age_not_stated"] else "age not recorded"),
        "gender: " + _label(codes.GENDERS, person["gender"]),
        "living: " + _label(codes.LIVING, person["living"]),
        "ethnicity: " + _label(codes.ETHNICITIES, person["ethnicity"]),
    ]
    if person["area"]:
        bits.append(_e(person["area"]))
    contact = [_e(x) for x in (person["phone"], person["email"]) if x]
    consent = {None: "not asked", 1: "yes", 0: "no"}[person["consent_to_share"]]
    risks = (
        _e(person["risks"])
        if person["risks"]
        else ("none known" if person["no_known_risks"] else "not asked")
    )
    return (
        " · ".join(bits)
        + "\n"
        + " · ".join(contact + [f"consent to share: {consent}", f"lone-worker risks: {risks}"])
    )


def _open_concerns(out, concerns: list[dict]) -> None:
    """Open safeguarding concerns come first, so nobody visits without knowing."""
    from connector_cli import codes

    for c in concerns:
        reported = f", reported to {_e(c['reported_to'])}" if c["reported_to"] else ""
        out.print(
            f"[bold red]OPEN SAFEGUARDING CONCERN {c['id']}[/bold red] "
            f"({_label(codes.CONCERN_CATEGORIES, c['category']).lower()}, raised {c['date']}"
            f"{reported}): {_e(c['note'])}"
        )


def _home_details(person: dict) -> str:
    """Address, GP, next of kin, how to contact them, access needs: what a home visit needs."""
    from connector_cli import codes

    where = ", ".join(_e(x) for x in (person.get("address"), person.get("postcode")) if x)
    kin = person.get("kin_name")
    if kin:
        kin = _e(kin) + (
            f" ({_e(person['kin_relationship'])})" if person["kin_relationship"] else ""
        )
        kin += f" {_e(person['kin_phone'])}" if person["kin_phone"] else ""
    elif person.get("kin_phone"):
        kin = _e(person["kin_phone"])
    bits = [
        f"Home: {where}" if where else "",
        f"GP: {_e(person['gp_practice'])}" if person.get("gp_practice") else "",
        f"Next of kin: {kin}" if kin else "",
        "Prefers: " + _label(codes.CONTACT_METHODS, person["contact_method"]).lower()
        if person.get("contact_method")
        else "",
        f"Access needs: {_e(person['access_needs'])}" if person.get("access_needs") else "",
    ]
    return " · ".join(b for b in bits if b)


def _episode_line(episode: dict) -> str:
    from connector_cli import codes

    source = _label(codes.SOURCES, episode["source"], "source not asked")
    line = f"Episode {episode['id']} · referred {episode['referral_date']} by {source}"
    line += f" · {episode['status']}"
    if episode["status_date"] and episode["status"] != "pending":
        line += f" {episode['status_date']}"
    if episode["status_reason"]:
        line += f" ({_e(episode['status_reason'])})"
    if episode["closure_date"]:
        reason = _label(codes.CLOSURE_REASONS, episode["closure_reason"])
        detail = f": {_e(episode['closure_detail'])}" if episode["closure_detail"] else ""
        line += f" · closed {episode['closure_date']} ({reason}{detail})"
    if episode["referrer"] or episode["reason"]:
        line += "\nReferred by " + (_e(episode["referrer"]) if episode["referrer"] else "?")
        line += f": {_e(episode['reason'])}" if episode["reason"] else ""
    if episode["week"] is not None:
        weeks = episode["support_weeks"]
        over = " [bold red](beyond planned support)[/bold red]" if episode["week"] > weeks else ""
        contacts = _plural(episode["support_contacts"], "support contact")
        line += f"\nWeek {episode['week']} of {weeks}{over} · {contacts}, "
        line += f"{episode['support_minutes']} min"
    return line


def _triggers_line(episode: dict) -> str:
    from connector_cli import codes

    if episode["no_triggers"]:
        return "Life events: none of the trigger groups"
    if not episode["triggers_answered"]:
        return "Life events: [yellow]not asked yet[/yellow]"
    names = [
        _label(codes.TRIGGERS, t) + (" (main)" if t == episode["primary_trigger"] else "")
        for t in episode["triggers"]
    ]
    return "Life events: " + ", ".join(names)


WHAT_MATTERS_SHORT = {
    "matters-most": "Matters most",
    "would-like-to": "Would like to",
    "used-to-enjoy": "Used to enjoy",
    "who-matters": "Who matters",
    "barriers": "In the way",
    "barriers-note": "More on that",
    "strengths": "Good at",
}


def _what_matters(out, episode: dict) -> None:
    from connector_cli import codes

    if not episode["conversations"]:
        out.print(
            "[yellow]What matters: conversation not recorded yet[/yellow] (connector what-matters)"
        )
        return
    order = list(codes.WHAT_MATTERS_QUESTIONS)
    talks = episode["conversations"]
    for number, talk in enumerate(talks, 1):
        which = f", {number} of {len(talks)}" if len(talks) > 1 else ""
        out.print(f"[bold]What matters[/bold] (talked {talk['date']}{which})")
        for key, answer in sorted(talk["answers"].items(), key=lambda kv: order.index(kv[0])):
            if key == "barriers":
                answer = ", ".join(_label(codes.BARRIERS, b) for b in answer.split(";"))
            out.print(f"  [dim]{WHAT_MATTERS_SHORT.get(key, key)}:[/dim] {_e(answer)}")


def _goals(out, episode: dict) -> None:
    from connector_cli import codes

    if not episode["goals"]:
        out.print("[yellow]Goals: none set yet[/yellow] (connector goal add)")
        return
    out.print("[bold]Goals[/bold]")
    for g in episode["goals"]:
        if g["dropped_date"]:
            state = f"dropped {g['dropped_date']}"
        elif g["progress"]:
            state = f"{_label(codes.GOAL_PROGRESS, g['progress']).lower()} ({g['reviewed']})"
        else:
            state = "not reviewed yet"
        out.print(f"  {g['number']}. {_e(g['text'])} [dim]({g['domain']})[/dim] - {state}")


def _contacts(out, episode: dict, limit: int = 8) -> None:
    from rich.table import Table

    contacts = _with_notes(episode)
    if not contacts:
        out.print("[yellow]Contacts: none yet[/yellow] (connector visit log)")
        return
    shown = contacts[-limit:]
    noun = "Contacts and notes" if episode.get("notes") else "Contacts"
    title = f"{noun} (last {len(shown)} of {len(contacts)})" if len(contacts) > limit else noun
    table = Table(title=title, title_justify="left", box=None, header_style="bold", pad_edge=False)
    table.add_column("No.", justify="right", no_wrap=True)
    for column, width in (("Date", 10), ("Kind", 12), ("Min", 3)):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("By, where", overflow="fold", max_width=20)
    # Notes wrap rather than being cut: they are the connector's own record.
    table.add_column("Note", overflow="fold", ratio=1, min_width=12)
    for c in shown:
        if "text" in c:  # a case note: its number is n1, n2... (`connector note edit 1`)
            table.add_row(f"n{c['id']}", c["date"], "note", "", "", _e(c["text"]))
            continue
        by = "volunteer" + (f" {c['volunteer']}" if c["volunteer"] else "")
        who = by if c["delivered_by"] == "volunteer" else ""
        where = (c["location"] or "") + (" +journey" if c["journey"] else "")
        note = ("(after closure) " if c["after_closure"] else "") + (c["note"] or "")
        table.add_row(
            str(c["id"]),
            c["date"],
            c["kind"],
            str(c["minutes"] or ""),
            _e(", ".join(x for x in (who, where) if x)),
            _e(note),
        )
    out.print(table)


def _with_notes(episode: dict) -> list[dict]:
    """Contacts and case notes in date order (a note after the contacts of its day)."""
    entries = [*episode["contacts"], *episode.get("notes", ())]
    return sorted(entries, key=lambda e: (e["date"], "text" in e, e["id"]))


def _plans(out, episode: dict) -> None:
    still = [p for p in episode.get("plans", ()) if p["contact_id"] is None]
    if not still:
        return
    listed = []
    for p in still:
        when = " ".join(x for x in (p["date"], p["time"], p["kind"]) if x)
        note = f" ({p['note']})" if p["note"] else ""
        listed.append(_e(f"{when}{note} [plan {p['id']}]"))
    out.print("[bold]Arranged:[/bold] " + "; ".join(listed))


def _signposts(out, episode: dict) -> None:
    from connector_cli import codes

    if not episode["signposts"]:
        return
    out.print("[bold]Signposts[/bold] (No. for `connector signpost outcome`)")
    for s in episode["signposts"]:
        category = s["category_group"] + (f"/{s['category_sub']}" if s["category_sub"] else "")
        went = ", went along" if s["accompanied"] else ""
        history = s["outcomes"] or (
            [{"outcome": s["outcome"], "date": s["outcome_date"]}] if s["outcome"] else []
        )
        outcome = (
            ", then ".join(
                f"{_label(codes.SIGNPOST_OUTCOMES, o['outcome']).lower()} ({o['date']})"
                for o in history
            )
            if history
            else "[yellow]outcome not recorded[/yellow]"
        )
        out.print(f"  {s['id']}. {s['date']} {_e(s['to_text'])} [dim]({category}{went})[/dim]")
        out.print(f"      {outcome}")


def _measures(out, episode: dict) -> None:
    from connector_cli.measures_view import render_measures

    render_measures(out, episode)


_CORRECTED = {"edited": "corrected", "moved": "moved", "removed": "removed"}


def _correction_words(c: dict) -> str:
    kind, _, verb = c["action"].rpartition(" ")
    subject = {
        "person": "person's details",
        "referral": "referral",
        "closure": "closure",
        "episode": "episode",
        "what-matters": "what-matters conversation",
    }.get(kind, f"{kind} {c['id']}")
    if verb == "moved":
        verb = "moved here from another episode" if c["moved_in"] else "moved to another episode"
    words = f"{subject} {_CORRECTED.get(verb, verb)}"
    if c["fields"]:
        words += ": " + ", ".join(f.replace("_", " ") for f in c["fields"])
    return words


def _corrections(out, episode: dict) -> None:
    """Corrections made to this record (from the audit log: what and when, never the content)."""
    if not episode["corrections"]:
        return
    out.print("[bold]Corrections[/bold]")
    for c in episode["corrections"]:
        out.print(f"  {c['date']} {_e(_correction_words(c))}")


def person_story(story: dict) -> None:
    out = console()
    person, episode = story["person"], story["episode"]
    _open_concerns(out, story.get("open_concerns", []))
    out.print(_person_header(person, episode))
    home = _home_details(person)
    if home:
        out.print(home)
    out.print(_episode_line(episode))
    out.print(_triggers_line(episode))
    _what_matters(out, episode)
    _goals(out, episode)
    _contacts(out, episode)
    _plans(out, episode)
    _signposts(out, episode)
    _measures(out, episode)
    _corrections(out, episode)
    if story["other_episodes"]:
        earlier = ", ".join(
            f"{e['id']} ({e['referral_date']}, {e['status']}"
            + (f", closed {e['closure_date']}" if e["closure_date"] else "")
            + ")"
            for e in story["other_episodes"]
        )
        out.print(f"Other episodes: {earlier}")


def demo_summary(counts, path) -> None:
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(counts.by_status.items()))
    console().print(
        f"Demo caseload written to {path}\n"
        f"{counts.people} people, {counts.episodes} episodes ({statuses}); {counts.contacts} contacts, "
        f"{counts.goals} goals, {counts.signposts} signposts, {counts.measures} questionnaires, "
        f"{counts.directory_entries} directory entries, {counts.gaps} gaps.\n"
        "Everyone in it is invented. Try: connector people · connector show 1 · connector check · "
        "connector report --quarter " + _last_quarter()
    )


def _last_quarter() -> str:
    from connector_cli import dates

    today = dates.today()
    quarter = (today.month - 1) // 3  # the last complete calendar quarter
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"
