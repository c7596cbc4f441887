"""Output for the privacy commands: sentences, tables and the printable subject-access file."""

from __future__ import annotations

import sys
from collections.abc import Iterable

# Record kinds in the order people think of them, with singular and plural words.
_KINDS = {
    "people": ("person", "people"),
    "episodes": ("episode", "episodes"),
    "triggers": ("referral trigger", "referral triggers"),
    "conversations": ("what-matters conversation", "what-matters conversations"),
    "conversation_answers": ("conversation answer", "conversation answers"),
    "goals": ("goal", "goals"),
    "goal_reviews": ("goal review", "goal reviews"),
    "contacts": ("contact", "contacts"),
    "signposts": ("signpost", "signposts"),
    "signpost_outcomes": ("signpost outcome", "signpost outcomes"),
    "measures": ("questionnaire", "questionnaires"),
    "measure_answers": ("questionnaire answer", "questionnaire answers"),
    "gap_links": ("link to a service gap", "links to service gaps"),
    "notes": ("case note", "case notes"),
    "plans": ("arranged contact", "arranged contacts"),
}


def counts_text(counts: dict[str, int]) -> str:
    """'1 person, 2 episodes, 14 contacts' (kinds with none left out)."""
    parts = []
    for kind, number in counts.items():
        if number:
            one, many = _KINDS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
            parts.append(f"{number} {one if number == 1 else many}")
    return ", ".join(parts) or "no records"


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _table(columns: Iterable[tuple[str, str]]):
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title, justify in columns:
        table.add_column(title, justify=justify, overflow="fold")
    return table


def _add_row(table, cells: Iterable[object]) -> None:
    """Cells as plain text: a name like 'Jo [Jones]' must not be read as Rich markup."""
    from rich.text import Text

    table.add_row(*(Text(str(cell)) for cell in cells))


def _print_json(data: object) -> None:
    import json
    import sys

    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, round(n / 1024))} KB"


# --- Backup and restore --------------------------------------------------------------------------


def backup_done(done, *, as_json: bool) -> None:
    if as_json:
        _print_json(
            {
                "path": str(done.path),
                "bytes": done.bytes,
                "records": done.records,
                "tables": done.tables,
                "pruned": [str(p) for p in done.pruned],
            }
        )
        return
    from connector_cli.privacy import key_counts

    print(
        f"Backed up {counts_text(key_counts(done.tables))} ({_size(done.bytes)}) to {_path(done.path)}"
    )
    print("Checked: the copy passes SQLite's integrity check and every table's row count matches.")
    if done.pruned:
        names = ", ".join(_path(p.name) for p in done.pruned)
        print(
            f"Deleted {len(done.pruned)} older backup{'s' if len(done.pruned) != 1 else ''}: {names}"
        )


def _path(path) -> str:
    """A file name as typed, with any control or bidi character shown as '?'."""
    from connector_cli.clean import for_terminal

    return for_terminal(str(path))


def restore_done(done) -> None:
    from connector_cli.privacy import key_counts

    print(f"Restored {counts_text(key_counts(done.tables))} from {_path(done.source)}.")
    if done.kept_aside:
        print(f"The database as it was is kept at {_path(done.kept_aside)}")
    if done.pseudonym_key == "kept":
        print(
            "Export pseudonyms: the database's key was kept (the backup held another or none), "
            "so exports made before and after this restore still match."
        )
    elif done.pseudonym_key == "same":
        print("Export pseudonyms are unchanged: the backup holds the same key.")
    elif done.pseudonym_key == "backup":
        print("Export pseudonyms now follow the backup's key (the database had none to keep).")
    if done.erasures_since:
        print(
            f"Warning: {done.erasures_since} erasure(s) were made after this backup, so the "
            "people erased then are back in the restored records. Erase them again "
            "(`connector audit` lists when).",
            file=sys.stderr,
        )


# --- Subject access and erasure ------------------------------------------------------------------


def export_done(done, *, name: str, person_id: int) -> None:
    print(f"Everything held about {name} (#{person_id}): {counts_text(done.counts)}.")
    print(f"  {_path(done.markdown_path)}  (readable: print it or hand it over)")
    print(f"  {_path(done.json_path)}  (the same, machine-readable)")
    print("Only you can read these files. Hand them over securely, then delete your copies.")


def _erasure_footer(done) -> None:
    if done.scrub_problem == "busy":
        print(
            "Another connector window has the database open, so erased data may linger in the "
            "write-ahead log until that window finishes: close it."
        )
    elif done.scrub_problem:
        print(
            f"The erasure is saved, but the file could not be rewritten to overwrite the old "
            f"copies of the data ({done.scrub_problem}); erased data may remain in unused "
            "space in the file until it is. Free some disk space: the next erasure rewrites "
            "it."
        )
    print(
        "Backups made before now (and any database set aside by restore) still hold these "
        "records: they go when those files are deleted, or pruned with `connector backup "
        "--keep N` (which keeps the newest N backups and the newest N set-aside databases)."
    )


def erasure_done(done, *, name: str) -> None:
    print(f"Erased {name}: {counts_text(done.counts)}.")
    print("The audit log keeps only the date and these counts.")
    if done.name_still_in:
        places = ", ".join(f"{where} ({n})" for where, n in done.name_still_in.items())
        print(
            f"The same name still appears in other records ({places}): another person with "
            "that name, or a note that mentions them. Check those by hand."
        )
    _erasure_footer(done)


def retention_list(due: list[dict], *, older_than: int, cutoff: str, as_json: bool) -> None:
    if as_json:
        fields = ["person_id", "episode_id", "referral_date", "closed_date", "status"]
        episodes = [
            {
                **{k: row[k] for k in [*fields, "closure_reason"]},
                "person_erased": row["person_episodes"] == row["due_episodes"],
            }
            for row in due
        ]
        _print_json({"older_than_years": older_than, "cutoff": cutoff, "episodes": episodes})
    else:
        retention_table(due, older_than=older_than, cutoff=cutoff)


def retention_done(done, *, as_json: bool) -> None:
    if as_json:
        _print_json({"erased": done.counts})
        return
    print(f"Erased {counts_text(done.counts)}. The audit log keeps only the date and these counts.")
    _erasure_footer(done)


# --- Lists and the audit log -------------------------------------------------------------------------


def retention_table(due: list[dict], *, older_than: int, cutoff: str) -> None:
    out = _console()
    years = f"{older_than} year{'s' if older_than != 1 else ''}"
    if not due:
        out.print(f"No episodes closed more than {years} ago (before {cutoff}).", markup=False)
        return
    columns = ["#", "Name", "Episode", "Referred", "Ended", "How", "Person"]
    table = _table((c, "right" if c in ("#", "Episode") else "left") for c in columns)
    for row in due:
        whole = "goes too" if row["person_episodes"] == row["due_episodes"] else "stays"
        cells = [row["person_id"], row["name"], row["episode_id"], row["referral_date"]]
        cells += [row["closed_date"], row["closure_reason"] or row["status"], whole]
        _add_row(table, cells)
    out.print(table)
    people = len({row["person_id"] for row in due})
    out.print(
        f"\n{len(due)} episode{'s' if len(due) != 1 else ''} of {people} "
        f"{'person' if people == 1 else 'people'} ended more than {years} ago (before {cutoff}). "
        "With --erase --yes they are erased; a person with no other episode goes too.",
        markup=False,
    )


def audit_log(entries: list, *, as_json: bool) -> None:
    if as_json:
        _print_json({"entries": [vars(entry) for entry in entries]})
    else:
        audit_table(entries)


def audit_table(entries: list) -> None:
    from connector_cli.privacy import local_time

    out = _console()
    if not entries:
        out.print("The audit log is empty: no backups, restores, exports or erasures yet.")
        return
    table = _table([("When", "left"), ("What", "left"), ("Details", "left")])
    for entry in entries:
        _add_row(table, [local_time(entry.at), entry.action, _detail_text(entry.detail)])
    out.print(table)


# The audit table shows the main kinds of record (--json has every count) and, for entries
# other commands write, each detail as "key value".
_AUDIT_KINDS = ("people", "episodes", "contacts", "goals", "signposts", "measures", "gap_links")
_AUDIT_WORDS = {
    "older_than_years": "retention period: {} years",
    "file": "{}",
    "kept_aside": "previous database kept aside",
    "pruned": "old backups deleted: {}",
}
_AUDIT_HIDDEN = {"records"}  # total rows of every table: in --json, too technical for the table


def _detail_text(detail: dict) -> str:
    kinds = {k: detail[k] for k in _AUDIT_KINDS if isinstance(detail.get(k), int)}
    parts = [counts_text(kinds)] if kinds else []
    for key, value in detail.items():
        if key in _KINDS or key in _AUDIT_HIDDEN or value in (None, 0, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(_AUDIT_WORDS.get(key, key.replace("_", " ") + " {}").format(value))
    return "; ".join(parts)


# --- Subject access: a file a connector can print and hand over ---------------------------------


def _label(code_list_name: str, slug: str | None) -> str:
    from connector_cli import codes

    if slug is None:
        return "not recorded"
    try:
        return codes.label(getattr(codes, code_list_name), slug)
    except (KeyError, AttributeError):
        return slug


def _instrument(instrument_id: str):
    """The instrument's data, or None for one this version no longer knows."""
    from connector_cli import surveys
    from connector_cli.errors import UserError

    try:
        return surveys.get_instrument(instrument_id)
    except UserError:
        return None


def _yes_no(value: int | None) -> str:
    return {None: "not asked", 1: "yes", 0: "no"}.get(value, str(value))


def _line(label: str, value: object) -> str:
    return f"- {label}: {value if value not in (None, '') else 'not recorded'}"


def _person_lines(person: dict) -> list[str]:
    risks = person["risks"] or ("none known" if person["no_known_risks"] else None)
    facts = {
        "Name": person["name"],
        "Date of birth": person["dob"],
        "Gender": _label("GENDERS", person["gender"]),
        "Ethnicity": _label("ETHNICITIES", person["ethnicity"]),
        "Living situation": _label("LIVING", person["living"]),
        "Area": person["area"],
        "Phone": person["phone"],
        "Email": person["email"],
        "Agreed to share information with other services": _yes_no(person["consent_to_share"]),
        "Risks noted": risks,
        "Record created": person["created_at"][:10],
    }
    return ["## About you", "", *(_line(k, v) for k, v in facts.items()), ""]


def _episode_facts(e: dict) -> dict[str, object]:
    age = e["age_at_referral"]
    if age is None and e["age_not_stated"]:
        age = "not stated"
    triggers = "; ".join(_label("TRIGGERS", t) for t in e["triggers"])
    status = " ".join(
        filter(
            None,
            [
                e["status"],
                f"on {e['status_date']}" if e["status_date"] else "",
                f"({e['status_reason']})" if e["status_reason"] else "",
            ],
        )
    )
    facts = {
        "Referred by": ", ".join(filter(None, [_label("SOURCES", e["source"]), e["referrer"]])),
        "Reason for referral": e["reason"],
        "Age at referral": age,
        "What led to it": triggers or ("none of the listed" if e["no_triggers"] else None),
        "Status": status,
    }
    if e["closure_date"]:
        reason = _label("CLOSURE_REASONS", e["closure_reason"])
        why = ", ".join(filter(None, [reason, e["closure_sub_reason"], e["closure_detail"]]))
        facts["Support ended"] = f"{e['closure_date']}: {why}"
    return facts


def _episode_lines(number: int, e: dict) -> list[str]:
    declined = e["status"] in ("declined", "failed")
    ended = e["closure_date"] or (e["status_date"] if declined else None)
    heading = f"## Referral {number}: {e['referral_date']}" + (f" (ended {ended})" if ended else "")
    lines = [heading, "", *(_line(k, v) for k, v in _episode_facts(e).items())]
    lines.append("")
    for title, render in (
        ("What matters to you", _conversation_lines),
        ("Goals", _goal_lines),
        ("Contacts", _contact_lines),
        ("Case notes", _note_lines),
        ("Contacts arranged", _plan_lines),
        ("Signposting to other services", _signpost_lines),
        ("Questionnaires", _measure_lines),
    ):
        body = render(e)
        if body:
            lines += [f"### {title}", "", *body, ""]
    return lines


def _conversation_lines(e: dict) -> list[str]:
    from connector_cli import codes

    order = list(codes.WHAT_MATTERS_QUESTIONS)
    lines = []
    for c in e["conversations"]:
        lines.append(f"Conversation on {c['date']}:")
        for a in sorted(c["answers"], key=lambda a: _position(order, a["key"])):
            question = codes.WHAT_MATTERS_QUESTIONS.get(a["key"], a["key"])
            answer = a["answer"]
            if a["key"] == "barriers":
                answer = "; ".join(_label("BARRIERS", slug) for slug in answer.split(";") if slug)
            lines.append(f"- {question} {answer}")
        lines.append("")
    return lines[:-1]


def _position(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


def _goal_lines(e: dict) -> list[str]:
    lines = []
    for g in e["goals"]:
        dropped = f"; dropped {g['dropped_date']}" if g["dropped_date"] else ""
        lines.append(
            f"{g['number']}. {g['text']} ({_label('GOAL_DOMAINS', g['domain'])}; "
            f"set {g['set_date']}{dropped})"
        )
        for r in g["reviews"]:
            note = f": {r['note']}" if r["note"] else ""
            lines.append(
                f"   - reviewed {r['date']}: {_label('GOAL_PROGRESS', r['progress'])}{note}"
            )
    return lines


def _contact_lines(e: dict) -> list[str]:
    lines = []
    for c in e["contacts"]:
        bits = [_label("CONTACT_KINDS", c["kind"])]
        if c["minutes"]:
            bits.append(f"{c['minutes']} minutes")
        if c["location"]:
            bits.append(_label("LOCATIONS", c["location"]))
        volunteer = c["delivered_by"] == "volunteer"
        bits.append(f"by {c['volunteer'] or 'a volunteer'}" if volunteer else "by your connector")
        if c["journey"]:
            bits.append("with a journey")
        if c["after_closure"]:
            bits.append("keeping in touch after support ended")
        note = f". Note: {c['note']}" if c["note"] else ""
        lines.append(f"- {c['date']}: {', '.join(bits)}{note}")
    return lines


def _note_lines(e: dict) -> list[str]:
    return [f"- {n['date']}: {n['text']}" for n in e.get("notes", ())]


def _plan_lines(e: dict) -> list[str]:
    lines = []
    for p in e.get("plans", ()):
        bits = [p["date"] + (f" {p['time']}" if p["time"] else "")]
        if p["kind"]:
            bits.append(_label("CONTACT_KINDS", p["kind"]))
        if p["note"]:
            bits.append(p["note"])
        bits.append("done" if p["contact_id"] else "still arranged")
        lines.append(f"- {', '.join(bits)}")
    return lines


def _signpost_lines(e: dict) -> list[str]:
    from connector_cli import codes

    lines = []
    for s in e["signposts"]:
        category = codes.format_signpost_category(s["category_group"], s["category_sub"])
        bits = [f"{s['to_text']} ({category})"]
        if s["accompanied"]:
            bits.append("went with you")
        outcomes = s.get("outcomes") or (
            [{"outcome": s["outcome"], "date": s["outcome_date"]}] if s["outcome"] else []
        )
        for o in outcomes:
            when = f" ({o['date']})" if o["date"] else ""
            bits.append(f"outcome: {_label('SIGNPOST_OUTCOMES', o['outcome'])}{when}")
        lines.append(f"- {s['date']}: " + ", ".join(bits))
    return lines


def _measure_lines(e: dict) -> list[str]:
    """Each questionnaire with its answers; where a copyrighted form's items are listed
    (SWEMWBS, WEMWBS), its notice follows the list, as the licence asks."""
    lines = []
    notices: list[str] = []
    for m in e["measures"]:
        instrument = _instrument(m["instrument"])
        title = instrument.title if instrument else m["instrument"]
        head = f"- {m['date']}: {title} ({m['stage']})"
        if m["skipped_reason"]:
            lines.append(f"{head}: not completed ({_label('SKIP_REASONS', m['skipped_reason'])})")
            continue
        score = f", score {m['score']:g}" if m["score"] is not None else ""
        raw = f" (raw score {m['raw']})" if m["raw"] is not None else ""
        lines.append(f"{head}{score}{raw}")
        answers = _answers(instrument, m)
        lines += [f"  - {question} — {answer}" for question, answer in answers]
        if answers and instrument and instrument.notice and instrument.notice not in notices:
            notices.append(instrument.notice)
    for notice in notices:
        lines += ["", notice]
    return lines


def _answer_text(instrument, key: str, value: int | None, stored: str | None) -> str:
    """How the person answered, in the form's own words, with the value it scores: 'None of
    the time (1)'; a point on a numeric scale reads '7 out of 10' ('0 - not at all' as is)."""
    if value is None:
        direct = instrument.direct_question if instrument else None
        if direct and key == direct.key and stored in direct.slugs:
            return direct.label_for(stored)
        return stored if stored is not None else "not recorded"
    label = stored  # the words recorded at the time; else the form's words for the value
    item = next((i for i in instrument.items if i.key == key), None) if instrument else None
    if not label and item is not None:
        label = next((o.label for o in item.options if o.value == value), None)
    if (not label or label == str(value)) and item is not None:
        return f"{value} out of {max(item.values)}"  # ONS4: "7 out of 10"
    if not label or label == str(value) or label.startswith(f"{value} "):
        return label or str(value)
    return f"{label} ({value})"


def _answers(instrument, measure: dict) -> list[tuple[str, str]]:
    """(question, answer) in the order the questionnaire asks them."""
    questions = {item.key: item.text for item in instrument.items} if instrument else {}
    direct = instrument.direct_question if instrument else None
    if direct:
        questions[direct.key] = direct.text
    shown = []
    for a in sorted(measure["answers"], key=lambda a: _position(list(questions), a["item"])):
        answer = _answer_text(instrument, a["item"], a["value"], a["answer"])
        shown.append((questions.get(a["item"], a["item"]), answer))
    return shown


def _gap_lines(gaps: list[dict]) -> list[str]:
    if not gaps:
        return []
    lines = ["## Gaps in local services noted with you", ""]
    for g in gaps:
        where = f" in {g['area']}" if g["area"] else ""
        lines.append(f"- {g['date']}: {g['need']}{where} ({_label('GAP_REASONS', g['reason'])})")
    return [*lines, ""]


def subject_access_markdown(held: dict) -> str:
    """Everything held about a person, as Markdown a connector can print and hand over."""
    person = held["person"]
    lines = [
        f"# Information held about {person['name']}",
        "",
        f"Made on {held['exported_on']} in answer to a subject access request. This is "
        f"everything the community connector's caseload records hold about you "
        f"(your record number is {person['id']}): {counts_text(held['counts'])}.",
        "",
        *_person_lines(person),
    ]
    for number, episode in enumerate(held["episodes"], start=1):
        lines += _episode_lines(number, episode)
    lines += _gap_lines(held["gaps"])
    return "\n".join(lines).rstrip() + "\n"
