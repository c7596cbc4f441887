"""Letters back to the referrer or GP: a referral accepted or declined, and support closed.

`build_letter` returns a `Letter` (plain data: sections of sentences and list items); the two
renderers in render_letter.py turn it into Markdown and a printable HTML page. No printing, no
prompting, no writing here.

Sections follow the PRSB Social Prescribing Information Standard (v1.1, "Message back to GP
and referrer") where they fit: "Referral details", "What matters to me", "Social prescribing
plan and goals", "Activities and services", "Outcome measures" and "Discharge details"; the
standard's person, GP practice and link-worker details become the letter's heading and its
"Who to contact" section.

Consent decides what goes in. The person's own words (what matters to them, goals, the
activities they were connected to, questionnaire results, the referral's free-text reasons)
appear only when consent to share is recorded as yes; without it the letter says that support
ran and ended and why in the code list's words, and `left_out` lists what was held back. Never
in any letter: contact notes, lone-worker risks, safeguarding concerns, home details.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from connector_cli import codes
from connector_cli.errors import UserError
from connector_cli.report_metrics import SWEMWBS_MEANINGFUL_CHANGE

ABOUT = ("accepted", "declined", "closed")
TO = ("referrer", "gp")
OWN_WORDS = ("matters-most", "would-like-to", "used-to-enjoy", "who-matters", "strengths")
OWN_WORDS_LABELS = {
    "matters-most": "What matters most",
    "would-like-to": "What they would like to do",
    "used-to-enjoy": "What they used to enjoy",
    "who-matters": "Who is important to them",
    "strengths": "Strengths and interests",
}


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (label, the person's words)


@dataclass
class Letter:
    about: str
    to: str
    scheme_name: str
    scheme_contact: str
    dated: str
    recipient: str
    regarding: str
    subject: str
    opening: str
    sections: list[Section]
    left_out: list[str]  # held back for want of consent to share
    consent: bool | None
    never_sent: list[str] = field(default_factory=list)  # records no letter ever carries
    person_id: int = 0

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _label(code_list, slug: str | None) -> str:
    try:
        return codes.label(code_list, slug) if slug else ""
    except KeyError:
        return slug or ""


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _long_date(iso: str | None) -> str:
    if not iso:
        return "not recorded"
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _scheme(conn: sqlite3.Connection) -> tuple[str, str]:
    from connector_cli.settings import get_text_setting

    name, contact = get_text_setting(conn, "scheme-name"), get_text_setting(conn, "scheme-contact")
    if not name:
        raise UserError(
            'A letter says who it is from: set it first with `connector config set scheme-name "..."`.'
        )
    if not contact:
        raise UserError(
            "A letter says who to contact: set it first with "
            '`connector config set scheme-contact "phone, email"`.'
        )
    return name, contact


def _recipient(person: dict, episode: dict, to: str) -> str:
    if to == "gp":
        if not person.get("gp_practice"):
            raise UserError(
                f"No GP practice recorded for {person['name']}: add it with "
                f'`connector person edit {person["id"]} --gp-practice "..."`, or use --to referrer.'
            )
        return f"The GP, {person['gp_practice']}"
    if not episode.get("referrer"):
        raise UserError(
            f"No referrer recorded on this referral: add one with `connector referral edit "
            f'{person["id"]} --referrer "..."`, or use --to gp.'
        )
    return episode["referrer"]


def _check_about(about: str, episode: dict) -> None:
    status, closed = episode["status"], episode["closure_date"]
    if about == "accepted" and status != "accepted":
        raise UserError(f"This referral is {status}, not accepted: no acceptance letter to write.")
    if about == "declined" and status not in ("declined", "failed"):
        raise UserError(f"This referral is {status}, not declined: no letter about a decline.")
    if about == "closed" and not closed:
        raise UserError("This episode is not closed yet: close it first (`connector close`).")


def build_letter(
    conn: sqlite3.Connection,
    *,
    person: str,
    about: str,
    to: str,
    episode_id: int | None = None,
    today: date,
) -> Letter:
    from connector_cli.pathway import episode_for
    from connector_cli.people import episode_story

    if about not in ABOUT:
        raise UserError(f"Unknown --about '{about}'. Valid: {', '.join(ABOUT)}.")
    if to not in TO:
        raise UserError(f"Unknown --to '{to}'. Valid: {', '.join(TO)}.")
    person_row, episode_row = episode_for(conn, person, episode_id)
    person_d = dict(person_row)
    scheme_name, scheme_contact = _scheme(conn)
    _check_about(about, dict(episode_row))
    recipient = _recipient(person_d, dict(episode_row), to)
    episode = episode_story(conn, episode_row, today)
    consent = {1: True, 0: False}.get(person_d["consent_to_share"])
    letter = Letter(
        about=about,
        to=to,
        scheme_name=scheme_name,
        scheme_contact=scheme_contact,
        dated=_long_date(today.isoformat()),
        recipient=recipient,
        regarding=_regarding(person_d),
        subject="",
        opening="",
        sections=[],
        left_out=[],
        consent=consent,
        person_id=person_d["id"],
    )
    {"accepted": _accepted, "declined": _declined, "closed": _closed}[about](
        letter, person_d, episode
    )

    letter.sections.append(_who_to_contact(scheme_name, scheme_contact))
    letter.never_sent = _never_included(conn, person_d, episode)
    return letter


def _thanks(letter: Letter, name: str) -> str:
    """The first sentence: the GP may not be who referred, so they are told, not thanked."""
    if letter.to == "gp":
        return (
            f"We are writing about your patient {name}, who was referred to {letter.scheme_name}."
        )
    return f"Thank you for referring {name} to {letter.scheme_name}."


def _regarding(person: dict) -> str:
    born = f", born {_long_date(person['dob'])}" if person["dob"] else ""
    return f"{person['name']}{born}"


def _referral_details(episode: dict, *, consent: bool | None, left_out: list[str]) -> Section:
    source = _label(codes.SOURCES, episode["source"]) or "source not recorded"
    section = Section(
        "Referral details",
        [f"Referred on {_long_date(episode['referral_date'])}. Referral source: {source}."],
    )
    if episode["reason"]:
        if consent:
            section.paragraphs.append(f"Reason for referral: {episode['reason']}")
        else:
            left_out.append("the reason for referral")
    return section


def _no_consent_note(name: str, consent: bool | None) -> str:
    if consent is None:
        return (
            f"{name}'s consent to share information has not been recorded, so this letter "
            "gives no more detail."
        )
    return f"{name} has not consented to share information, so this letter gives no more detail."


def _accepted(letter: Letter, person: dict, episode: dict) -> None:
    name = person["name"]
    letter.subject = f"Referral accepted: {letter.regarding}"
    letter.opening = (
        f"{_thanks(letter, name)} We have accepted the referral "
        f"on {_long_date(episode['status_date'])}."
    )
    letter.sections.append(
        _referral_details(episode, consent=letter.consent, left_out=letter.left_out)
    )
    letter.sections.append(
        Section(
            "What happens next",
            [
                f"A community connector will contact {name} to talk about what matters to them "
                "and agree up to three goals together. Support usually lasts about "
                f"{episode['support_weeks']} weeks. We will write again when support ends.",
            ],
        )
    )


def _declined(letter: Letter, person: dict, episode: dict) -> None:
    name = person["name"]
    letter.subject = f"Referral not taken forward: {letter.regarding}"
    when = _long_date(episode["status_date"])
    if episode["status"] == "failed":
        outcome = f"We were not able to start support with {name} ({when})."
    elif episode["decline_by"] == "person":
        outcome = f"{name} decided not to take up support ({when})."
    elif episode["decline_by"] == "criteria":
        outcome = f"The referral did not meet the scheme's criteria ({when})."
    else:
        outcome = f"The referral was declined on {when}."
    letter.opening = f"{_thanks(letter, name)} {outcome}"
    letter.sections.append(
        _referral_details(episode, consent=letter.consent, left_out=letter.left_out)
    )
    decision = Section("Outcome of the referral", [outcome])
    if episode["status_reason"]:
        if letter.consent:
            decision.paragraphs.append(f"Reason: {episode['status_reason']}")
        else:
            letter.left_out.append("the reason it was not taken forward")
    letter.sections.append(decision)


def _closed(letter: Letter, person: dict, episode: dict) -> None:
    name, consent = person["name"], letter.consent
    letter.subject = f"Support ended: {letter.regarding}"
    letter.opening = (
        f"{_thanks(letter, name)} Their support with us has now ended; this letter sums it up."
    )
    details = _referral_details(episode, consent=consent, left_out=letter.left_out)
    start = episode["support_start"]
    details.paragraphs.append(
        f"Support ran from {_long_date(start)} to {_long_date(episode['closure_date'])}: "
        f"{_plural(episode['support_contacts'], 'conversation or visit', 'conversations and visits')}."
        if start
        else f"Support ended on {_long_date(episode['closure_date'])} before it could start."
    )
    letter.sections.append(details)
    if consent:
        letter.sections += [
            s
            for s in (
                _what_matters(episode),
                _goals(episode),
                _activities(episode),
                _measures(name, episode),
            )
            if s is not None
        ]
    else:
        letter.sections.append(Section("About the support", [_no_consent_note(name, consent)]))
        letter.left_out += _held_back(episode)
    letter.sections.append(_discharge(episode, consent=consent, left_out=letter.left_out))


def _held_back(episode: dict) -> list[str]:
    held = []
    if episode["conversations"]:
        held.append("what matters to them, in their own words")
    goals = [g for g in episode["goals"] if not g["dropped_date"]]
    if goals:
        held.append(_plural(len(goals), "goal") + " and progress")
    if episode["signposts"]:
        held.append(
            _plural(len(episode["signposts"]), "activity or service", "activities and services")
        )
    if any(m["skipped_reason"] is None for m in episode["measures"]):
        held.append("loneliness and wellbeing questionnaire results")
    return held


def _what_matters(episode: dict) -> Section | None:
    if not episode["conversations"]:
        return None
    answers = episode["conversations"][-1]["answers"]
    section = Section("What matters to me")
    section.quotes = [(OWN_WORDS_LABELS[k], answers[k]) for k in OWN_WORDS if answers.get(k)]
    if answers.get("barriers"):
        barriers = ", ".join(
            _label(codes.BARRIERS, b).lower() for b in answers["barriers"].split(";")
        )
        section.paragraphs.append(f"What got in the way: {barriers}.")
    return section if section.quotes or section.paragraphs else None


def _goals(episode: dict) -> Section | None:
    goals = [g for g in episode["goals"] if not g["dropped_date"]]
    if not goals:
        return None
    section = Section("Social prescribing plan and goals")
    for g in goals:
        progress = (
            _label(codes.GOAL_PROGRESS, g["progress"]).lower() if g["progress"] else "not reviewed"
        )
        section.items.append(f"\u201c{g['text']}\u201d: {progress}")
    return section


def _activities(episode: dict) -> Section | None:
    if not episode["signposts"]:
        return None
    section = Section("Activities and services")
    for s in episode["signposts"]:
        outcome = _label(codes.SIGNPOST_OUTCOMES, s["outcome"]).lower() or "outcome not recorded"
        went = " (we went along the first time)" if s["accompanied"] else ""
        section.items.append(f"{s['to_text']}{went}: {outcome}")
    return section


def _measures(name: str, episode: dict) -> Section | None:
    lines = [line for t in episode["measures_trajectory"] if (line := _plain_change(t))]
    if not lines:
        return None
    return Section(
        "Outcome measures",
        [f"{name} answered short questionnaires at the start and end of support."],
        lines,
    )


PLAIN = {
    ("ucla3", None): ("Loneliness (UCLA 3-item, 3 to 9, lower is less lonely)", "down"),
    ("swemwbs", None): ("Wellbeing (SWEMWBS, 7 to 35, higher is better)", "up"),
    ("ons4", "life_satisfaction"): ("Satisfaction with life (0 to 10)", "up"),
    ("ons4", "worthwhile"): ("Feeling that life is worthwhile (0 to 10)", "up"),
    ("ons4", "happiness"): ("Happiness yesterday (0 to 10)", "up"),
    ("ons4", "anxiety"): ("Anxiety yesterday (0 to 10, lower is better)", "down"),
}


def _score(point: dict) -> str:
    value = point["score"]
    text = f"{round(value, 1):g}" if isinstance(value, float) else str(value)
    return text + (f" ({point['band']})" if point.get("band") else "")


def _plain_change(trajectory: dict) -> str | None:
    """'Loneliness (...): 8 (lonely) at the start, 3 (not lonely) at the end: better.'"""
    wanted = PLAIN.get((trajectory["instrument"], trajectory["item"]))
    points = {p["stage"]: p for p in trajectory["points"] if p.get("score") is not None}
    if wanted is None or "baseline" not in points:
        return None
    label, better = wanted
    before = points["baseline"]
    after = points.get("end") or points.get("review")
    if after is None:
        return f"{label}: {_score(before)} at the start; not measured at the end."
    change = after["score"] - before["score"]
    if change == 0:
        verdict = "no change"
    elif trajectory["instrument"] == "swemwbs" and abs(change) < SWEMWBS_MEANINGFUL_CHANGE:
        verdict = "little change (under 3 points)"
    else:
        verdict = "better" if (change < 0) == (better == "down") else "worse"
    when = "at the end" if after["stage"] == "end" else "at the review"
    return f"{label}: {_score(before)} at the start, {_score(after)} {when}: {verdict}."


def _discharge(episode: dict, *, consent: bool | None, left_out: list[str]) -> Section:
    reason = _label(codes.CLOSURE_REASONS, episode["closure_reason"]) or "not recorded"
    if episode["closure_reason"] == "other":
        reason = "Other reason"
    sub = _label(codes.CHOICE_SUB_REASONS, episode["closure_sub_reason"])
    text = f"Support ended on {_long_date(episode['closure_date'])}. Why: {reason}"
    text += f" ({sub.lower()})." if sub else "."
    section = Section("Discharge details", [text])
    if episode["closure_detail"]:
        if consent:
            section.paragraphs.append(episode["closure_detail"])
        else:
            left_out.append("the closure note")
    return section


def _who_to_contact(name: str, contact: str) -> Section:
    return Section(
        "Who to contact",
        [f"For anything about this letter, or to refer again, contact {name}:", contact],
    )


def _never_included(conn: sqlite3.Connection, person: dict, episode: dict) -> list[str]:
    """Records held that no letter ever carries, named so the connector knows they stayed."""
    from connector_cli.store.concerns import person_concerns

    held = []
    notes = sum(1 for c in episode["contacts"] if c["note"])
    if notes:
        held.append(_plural(notes, "contact note"))
    concerns = person_concerns(conn, person["id"])
    if concerns:
        held.append(_plural(len(concerns), "safeguarding concern"))
    if person["risks"]:
        held.append("lone-worker risks")
    if any(person.get(k) for k in ("address", "kin_name", "access_needs")):
        held.append("home details (address, next of kin, access needs)")
    return held


# --- Writing the files ---------------------------------------------------------------------------


def letter_paths(person_id: int, about: str, out: str | None) -> tuple[Path, Path]:
    """FILE.md and FILE.html from --out FILE (a .md/.html ending dropped; a folder gets the
    default name); without --out, letter-N-ABOUT in the current folder."""
    default = f"letter-{person_id}-{about}"
    stem = Path(default)
    if out is not None:
        chosen = Path(out).expanduser()
        if chosen.is_dir() and not chosen.is_symlink():
            stem = chosen / default
        else:
            stem = chosen.with_suffix("") if chosen.suffix.lower() in (".md", ".html") else chosen
            if not stem.parent.is_dir():
                raise UserError(f"No folder {stem.parent}: create it first.")
    return stem.with_name(stem.name + ".md"), stem.with_name(stem.name + ".html")


def check_writable(paths: tuple[Path, ...], *, force: bool, db_path: Path | None) -> None:
    """The shared rules for files a user names (connector_cli/files.py): an existing file only
    with --force, never through a symbolic link, never over the database or a backup."""
    from connector_cli import files

    for path in paths:
        files.safe_target(path, force=force, db_path=db_path)


def write_private(path: Path, text: str, *, force: bool) -> None:
    """Whole or not at all, owner-only (files.write_text writes beside it, then renames)."""
    from connector_cli import files

    files.write_text(path, text, force=force)
