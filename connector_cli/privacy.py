"""Protecting people's data: backup and restore, subject access, erasure, retention, audit.

Plain functions over the database file and connection: no printing, no prompting. Every action
here is recorded in the audit log with counts only (never a name, number or free text).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from connector_cli.errors import UserError
from connector_cli.store import privacy as store
from connector_cli.store import write
from connector_cli.store.audit import record

BACKUP_NAME = re.compile(r"connector-(\d{4}-\d{2}-\d{2}T\d{6})(?:-(\d+))?\.db")


def _stamp() -> str:
    """Local wall-clock time for file names: sorts by date, no characters Windows refuses."""
    return datetime.now().strftime("%Y-%m-%dT%H%M%S")


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """folder/stem+suffix, or stem-2, stem-3... if that name is taken (two in one second)."""
    candidate, n = folder / f"{stem}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"Cannot create the folder {folder}: {error.strerror}.") from None


def key_counts(tables: dict[str, int]) -> dict[str, int]:
    """The figures a person recognises a database by."""
    return {kind: tables.get(kind, 0) for kind in ("people", "episodes", "contacts")}


# --- Backup --------------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    bytes: int
    seconds: float
    tables: dict[str, int]
    pruned: list[Path] = field(default_factory=list)
    audit_problem: str | None = None  # why the audit entry could not be written, if it was not

    @property
    def records(self) -> int:
        return sum(self.tables.values())


def backup_target(db_file: Path, path: str | None) -> Path:
    """Where a backup goes: PATH as a file, into PATH if it is a folder, else db-folder/backups."""
    if path is None:
        folder = db_file.parent / "backups"
    elif Path(path).expanduser().is_dir() or path.endswith(("/", os.sep)):
        folder = Path(path).expanduser()
    else:
        target = Path(path).expanduser()
        if target.exists():
            raise UserError(f"{target} already exists: give a new file name or a folder.")
        if not target.parent.is_dir():
            raise UserError(f"No folder {target.parent}: create it first.")
        return target
    _private_folder(folder)
    return _free_name(folder, f"connector-{_stamp()}", ".db")


def _verify_copy(path: Path, expected: dict[str, int]) -> None:
    copy = store.open_read_only(path)
    try:
        problem = store.integrity_problem(copy)
        counts = store.table_counts(copy)
    finally:
        copy.close()
    if problem:
        raise UserError(f"The backup failed its integrity check ({problem}); nothing was kept.")
    if counts != expected:
        raise UserError("The backup's row counts differ from the database's; nothing was kept.")


def backup(
    conn: sqlite3.Connection, *, db_file: Path, path: str | None, keep: int | None
) -> Backup:
    """Copy the database while it may be in use, verify the copy, then prune old backups."""
    target = backup_target(db_file, path)
    partial = target.with_name(f".{target.name}.partial")
    started = time.perf_counter()
    try:
        counts = store.copy_database(conn, partial)
        _verify_copy(partial, counts)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise UserError(f"Could not write the backup to {target}: {error}.") from None
    except OSError as error:
        raise UserError(f"Could not write the backup to {target}: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    done = Backup(target, target.stat().st_size, time.perf_counter() - started, counts)
    if keep is not None:
        done.pruned = prune_backups(target.parent, keep)
    try:
        with write(conn):
            record(
                conn,
                "backup",
                file=target.name,
                records=done.records,
                pruned=len(done.pruned),
                **key_counts(counts),
            )
    except sqlite3.Error as error:  # e.g. a read-only database: the backup itself is complete
        done.audit_problem = str(error)
    return done


def _backup_order(path: Path) -> tuple[str, int]:
    match = BACKUP_NAME.fullmatch(path.name)
    assert match
    return match[1], int(match[2] or 1)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` files named like our backups; other files are left."""
    ours = sorted(
        (p for p in folder.iterdir() if p.is_file() and BACKUP_NAME.fullmatch(p.name)),
        key=_backup_order,
    )
    doomed = ours[:-keep] if keep else ours
    for old in doomed:
        old.unlink()
    return doomed


# --- Restore -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    path: Path
    tables: dict[str, int]


def check_restorable(path: Path) -> Candidate:
    """Refuse anything but an undamaged connector database this version can open."""
    if not path.is_file():
        raise UserError(f"No file at {path}.")
    before = {suffix: Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")}
    try:
        conn = store.open_read_only(path)
        try:
            problem = store.integrity_problem(conn)
            migrations = None if problem else store.connector_migrations(conn)
            counts = store.table_counts(conn) if migrations else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise UserError(f"{path} is damaged or not a database ({error}); not restored.") from None
    finally:
        for suffix, existed in before.items():  # a read-only look must leave no litter
            litter = Path(f"{path}{suffix}")
            if not existed and litter.exists() and litter.stat().st_size == 0:
                litter.unlink()
    if problem:
        raise UserError(f"{path} is damaged (integrity check: {problem}); not restored.")
    if migrations is None:
        raise UserError(f"{path} is not a connector database; not restored.")
    newer = set(migrations) - store.known_migrations()
    if newer:
        raise UserError(
            f"{path} was written by a newer version of connector; upgrade connector to restore it."
        )
    return Candidate(path, counts)


def set_aside(db_file: Path) -> Path | None:
    """Move the current database (and its WAL) aside, checkpointed first when possible."""
    if not db_file.exists():
        return None
    try:
        conn = sqlite3.connect(db_file, isolation_level=None)
        try:
            store.checkpoint(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a damaged database is moved aside as it is, WAL and all
    aside = _free_name(db_file.parent, f"{db_file.name}.before-restore-{_stamp()}", "")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{db_file}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{aside}{suffix}"))
    return aside


def people_in(db_file: Path) -> int | None:
    """People in the database file now, or None if there is none or it cannot be read."""
    if not db_file.is_file():
        return None
    try:
        conn = store.open_read_only(db_file)
        try:
            return store.people_count(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def shrink_warning(candidate: Candidate, *, current: int | None) -> str | None:
    """A warning when the backup holds far fewer people (under half) than the database now."""
    incoming = candidate.tables.get("people", 0)
    if current is None or current == 0 or incoming * 2 >= current:
        return None
    return (
        f"The backup holds {incoming} {'person' if incoming == 1 else 'people'}; "
        f"the current database holds {current}."
    )


def _prepare_incoming(incoming: Path, source: Path) -> None:
    """Upgrade the copy to the current schema and check it is whole, before it goes live."""
    from connector_cli.store import connect

    refusal = f"{source} is incomplete or cannot be upgraded"
    try:
        conn = connect(incoming, create=False)
    except UserError as error:
        detail = str(error).partition(" connector database: ")[2].rstrip(".") or str(error)
        raise UserError(f"{refusal} ({detail}); not restored.") from None
    try:
        missing = store.missing_schema(conn)
        problem = store.integrity_problem(conn)
    except sqlite3.Error as error:
        raise UserError(f"{refusal} ({error}); not restored.") from None
    finally:
        conn.close()
    if missing:
        raise UserError(f"{refusal} (missing {', '.join(missing[:3])}); not restored.")
    if problem:
        raise UserError(f"{source} is damaged (integrity check: {problem}); not restored.")


@dataclass
class Restore:
    source: Path
    tables: dict[str, int]
    kept_aside: Path | None
    erasures_since: int = 0


def restore(candidate: Candidate, *, db_file: Path) -> Restore:
    """Put a verified backup in place of the database, keeping the current one aside."""
    from connector_cli.store import connect

    if db_file.exists() and candidate.path.resolve() == db_file.resolve():
        raise UserError("That is the database in use; give a backup file.")
    _private_folder(db_file.parent)
    incoming = db_file.with_name(f".{db_file.name}.restoring")
    leftovers = [Path(f"{incoming}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    for part in leftovers:
        part.unlink(missing_ok=True)
    try:
        source = store.open_read_only(candidate.path)
        try:
            counts = store.copy_database(source, incoming)
        finally:
            source.close()
        _verify_copy(incoming, counts)
        _prepare_incoming(incoming, candidate.path)  # the live database is untouched until here
        aside = set_aside(db_file)
        os.replace(incoming, db_file)
    finally:
        for part in leftovers:
            part.unlink(missing_ok=True)
    conn = connect(db_file)  # already upgraded and checked above
    try:
        with write(conn):
            # The audit log outlives the restore: what was done since the backup (exports,
            # erasures) stays on record. Its entries hold no personal data.
            later = store.audit_entries_after(aside, store.latest_audit_time(conn)) if aside else []
            since = store.add_audit_entries(conn, later)
            record(
                conn,
                "restore",
                file=candidate.path.name,
                records=sum(counts.values()),
                kept_aside=aside.name if aside else None,
                **key_counts(counts),
            )
    finally:
        conn.close()
    erasures = sum(1 for _, action, _ in since if action in ("erasure", "retention-erasure"))
    return Restore(candidate.path, counts, aside, erasures)


# --- Subject access ------------------------------------------------------------------------------


def person_record(conn: sqlite3.Connection, *, person_id: int) -> dict:
    """Everything held about one person, nested as a reader would look for it."""
    episodes = []
    for episode in store.episode_rows(conn, person_id):
        eid = episode["id"]
        episode["triggers"] = [r["trigger"] for r in store.episode_records(conn, eid, "triggers")]
        for kind in ("conversations", "goals", "contacts", "signposts", "measures"):
            episode[kind] = store.episode_records(conn, eid, kind)
        for conversation in episode["conversations"]:
            conversation["answers"] = store.conversation_answers(conn, conversation["id"])
        for goal in episode["goals"]:
            goal["reviews"] = store.goal_reviews(conn, goal["id"])
        for measure in episode["measures"]:
            measure["answers"] = store.measure_answers(conn, measure["id"])
        episodes.append(episode)
    return {
        "person": store.person_row(conn, person_id),
        "episodes": episodes,
        "gaps": store.linked_gaps(conn, person_id),
        "concerns": store.person_concerns(conn, person_id),
        "counts": store.person_counts(conn, person_id),
    }


def export_stem(person_id: int, out: str | None) -> Path:
    """FILE.json and FILE.md from --out FILE (a .json/.md ending dropped; a folder gets the
    default names); without --out, person-N-subject-access in the current folder."""
    default = f"person-{person_id}-subject-access"
    if out is None:
        return Path(default)
    chosen = Path(out).expanduser()
    if chosen.is_dir():
        return chosen / default
    if chosen.suffix.lower() in (".json", ".md"):
        chosen = chosen.with_suffix("")
    if not chosen.parent.is_dir():
        raise UserError(f"No folder {chosen.parent}: create it first.")
    return chosen


def _write_private(path: Path, text: str) -> None:
    with os.fdopen(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as f:
        f.write(text)


@dataclass
class SubjectAccess:
    json_path: Path
    markdown_path: Path
    counts: dict[str, int]


def export_person(
    conn: sqlite3.Connection, *, person_id: int, out: str | None, exported_on: date
) -> SubjectAccess:
    """Write the person's records as JSON and as Markdown (both readable by the owner only)."""
    from connector_cli.render_privacy import subject_access_markdown

    stem = export_stem(person_id, out)
    paths = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".md")
    for path in paths:
        if path.exists():
            raise UserError(f"{path} already exists: move it or give --out.")
    conn.execute("BEGIN")  # one read transaction: the export describes one moment
    try:
        held = person_record(conn, person_id=person_id)
    finally:
        conn.execute("COMMIT")
    held = {"exported_on": exported_on.isoformat(), **held}
    try:
        _write_private(paths[0], json.dumps(held, indent=2, ensure_ascii=False) + "\n")
        _write_private(paths[1], subject_access_markdown(held))
    except OSError as error:
        for path in paths:
            path.unlink(missing_ok=True)
        raise UserError(f"Could not write {stem}: {error.strerror}.") from None
    with write(conn):
        record(conn, "subject-access-export", **held["counts"])
    return SubjectAccess(paths[0], paths[1], held["counts"])


# --- Erasure -------------------------------------------------------------------------------------


@dataclass
class Erasure:
    counts: dict[str, int]
    scrubbed: bool
    name_still_in: dict[str, int] = field(default_factory=dict)


def erasure_preview(conn: sqlite3.Connection, *, person_id: int) -> dict[str, int]:
    return store.person_counts(conn, person_id)


def forget_person(conn: sqlite3.Connection, *, person_id: int) -> Erasure:
    """Erase a person and everything linked, overwriting the bytes; audit counts only."""
    name = store.person_row(conn, person_id)["name"]
    conn.execute("PRAGMA secure_delete = ON")
    with write(conn):
        counts = store.person_counts(conn, person_id)
        store.delete_person(conn, person_id)
        record(conn, "erasure", **counts)
    scrubbed = store.scrub_free_space(conn)
    return Erasure(counts, scrubbed, store.text_mentions(conn, name))


# --- Retention -----------------------------------------------------------------------------------


MAX_RETENTION_YEARS = 100


def retention_cutoff(today: date, older_than: int) -> date:
    """The day `older_than` years before today; refuses periods no scheme could mean."""
    if not 1 <= older_than <= MAX_RETENTION_YEARS:
        raise UserError(
            f"--older-than must be a whole number of years from 1 to {MAX_RETENTION_YEARS}."
        )
    return years_before(today, older_than)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def retention_due(conn: sqlite3.Connection, *, older_than: int, today: date) -> list[dict]:
    """Episodes closed, declined or failed more than `older_than` years before today."""
    due = store.closed_episodes_before(conn, retention_cutoff(today, older_than).isoformat())
    per_person: dict[int, int] = {}
    for row in due:
        per_person[row["person_id"]] = per_person.get(row["person_id"], 0) + 1
    for row in due:  # when all of a person's episodes are due, the person goes too
        row["due_episodes"] = per_person[row["person_id"]]
    return due


def erase_episodes(conn: sqlite3.Connection, *, episodes: list[dict], older_than: int) -> Erasure:
    """Erase these episodes, and each person left with no episode at all, the secure way."""
    episode_ids = [e["episode_id"] for e in episodes]
    conn.execute("PRAGMA secure_delete = ON")
    with write(conn):
        counts = {"people": 0, **store.episode_counts(conn, episode_ids), "gap_links": 0}
        store.delete_episodes(conn, episode_ids)
        for person_id in store.people_without_episodes(conn, {e["person_id"] for e in episodes}):
            counts["people"] += 1
            counts["gap_links"] += len(store.linked_gaps(conn, person_id))
            store.delete_person(conn, person_id)
        record(conn, "retention-erasure", older_than_years=older_than, **counts)
    return Erasure(counts, store.scrub_free_space(conn))


# --- Audit log -----------------------------------------------------------------------------------


@dataclass
class AuditEntry:
    id: int
    at: str
    action: str
    detail: dict


def audit_log(conn: sqlite3.Connection) -> list[AuditEntry]:
    return [
        AuditEntry(row["id"], row["at"], row["action"], json.loads(row["detail"] or "{}"))
        for row in store.audit_entries(conn)
    ]


def local_time(at: str) -> str:
    """An audit timestamp (UTC ISO) as local 'YYYY-MM-DD HH:MM'."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
