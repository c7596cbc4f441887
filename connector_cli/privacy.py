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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from connector_cli.errors import UserError
from connector_cli.restoring import incoming_name, remove_restore_leftovers
from connector_cli.store import is_ours, write
from connector_cli.store import privacy as store
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


def backup_target(db_file: Path, path: str | None, *, force: bool = False) -> Path:
    """Where a backup goes: PATH as a file, into PATH if it is a folder, else db-folder/backups."""
    if path is None:
        folder = db_file.parent / "backups"
    elif Path(path).expanduser().is_dir() or path.endswith(("/", os.sep)):
        folder = Path(path).expanduser()
    else:
        from connector_cli import files

        return files.safe_target(path, force=force, db_path=db_file, flag="backup")
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
    conn: sqlite3.Connection,
    *,
    db_file: Path,
    path: str | None,
    keep: int | None,
    force: bool = False,
) -> Backup:
    """Copy the database while it may be in use, verify the copy, then prune old backups."""
    target = backup_target(db_file, path, force=force)
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
        done.pruned = prune_backups(target.parent, keep) + prune_set_aside(db_file, keep)
    try:
        with write(conn):
            record(
                conn,
                "backup",
                file=target.name if BACKUP_NAME.fullmatch(target.name) else None,
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


def prune_set_aside(db_file: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` copies that restore set aside beside the database
    (`NAME.before-restore-STAMP`, with any -wal/-shm): they hold erased people too."""
    pattern = re.compile(
        re.escape(db_file.name) + r"\.before-restore-(\d{4}-\d{2}-\d{2}T\d{6})(-\d+)?"
    )
    try:
        copies = sorted(
            (p for p in db_file.parent.iterdir() if pattern.fullmatch(p.name) and p.is_file()),
            key=lambda p: (
                pattern.fullmatch(p.name)[1],
                int((pattern.fullmatch(p.name)[2] or "-1")[1:]),
            ),
        )
    except OSError:
        return []
    doomed = copies[:-keep] if keep else copies
    removed = []
    for old in doomed:
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = Path(f"{old}{suffix}")
            if part.exists():
                part.unlink()
                removed.append(part)
    return removed


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
            foreign = migrations is not None and not is_ours(conn)
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
    if foreign:  # connector's migrations recorded, but not its tables (or another's marker)
        raise UserError(f"{path} is incomplete or not a connector database; not restored.")
    newer = set(migrations) - store.known_migrations()
    if newer:
        raise UserError(
            f"{path} was written by a newer version of connector; upgrade connector to restore it."
        )
    return Candidate(path, counts)


def _pause_for_tests(point: str) -> None:
    """CONNECTOR_TEST_PAUSE=point stops here so a test can kill -9 the restore mid-swap."""
    if os.environ.get("CONNECTOR_TEST_PAUSE") == point:
        import sys

        print(f"paused at {point}", file=sys.stderr, flush=True)
        time.sleep(60)


def _checkpoint_current(db_file: Path) -> None:
    """Fold the current database's WAL into it and empty the WAL, so the file alone is the
    whole database (and no old WAL could ever be replayed into the restored one)."""
    try:
        conn = sqlite3.connect(db_file, isolation_level=None, timeout=10)
    except sqlite3.Error:
        return
    try:
        if not store.checkpoint(conn):
            raise UserError(
                "Another connector window has the database open; close it and restore again. "
                "Nothing was changed."
            )
    except sqlite3.DatabaseError:
        pass  # damaged: it is kept aside as it is, WAL and all
    finally:
        conn.close()


def _keep_aside(db_file: Path) -> Path:
    """A second name for the current database file (a hard link, or a copy where links are not
    supported); the database itself stays where it is until the swap."""
    import shutil

    aside = _free_name(db_file.parent, f"{db_file.name}.before-restore-{_stamp()}", "")
    try:
        os.link(db_file, aside)
    except OSError:
        shutil.copy2(db_file, aside)
    for suffix in ("-wal", "-shm"):  # empty after the checkpoint, unless the file is damaged
        part = Path(f"{db_file}{suffix}")
        if part.exists():
            shutil.copy2(part, Path(f"{aside}{suffix}"))
    return aside


def _swap_in(incoming: Path, db_file: Path) -> Path | None:
    """Replace the database with `incoming` in one rename: at every moment the database's name
    holds a whole database, the old one or the new one (kill -9 safe)."""
    aside = _keep_aside(db_file) if db_file.exists() else None
    _pause_for_tests("aside")
    for suffix in ("-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    _pause_for_tests("swap")
    os.replace(incoming, db_file)
    _pause_for_tests("swapped")
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
    # What happened to the export pseudonym key: "same" (backup and database agree), "kept"
    # (the database's key replaced the backup's, so earlier exports still match), "backup"
    # (no key in the database: the backup's, if any, stands).
    pseudonym_key: str = "backup"


def restore(candidate: Candidate, *, db_file: Path) -> Restore:
    """Put a verified backup in place of the database, keeping the current one aside."""
    from connector_cli.store import connect

    if db_file.exists() and candidate.path.resolve() == db_file.resolve():
        raise UserError("That is the database in use; give a backup file.")
    _private_folder(db_file.parent)
    remove_restore_leftovers(db_file)
    incoming = incoming_name(db_file)
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
        carried = _carry_forward(db_file, incoming)
        if db_file.exists():
            _checkpoint_current(db_file)
        aside = _swap_in(incoming, db_file)
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
                records=sum(counts.values()),
                kept_aside=aside is not None,
                **key_counts(counts),
            )
    finally:
        conn.close()
    erasures = sum(1 for _, action, _ in since if action in ("erasure", "retention-erasure"))
    return Restore(candidate.path, counts, aside, erasures, carried)


def _carry_forward(db_file: Path, incoming: Path) -> str:
    """Keep what must outlive a restore: the numbers already given out (never reused, even for
    people added after the backup) and the pseudonym key the latest exports used.
    Returns what happened to the key, as `Restore.pseudonym_key` describes."""
    if not db_file.exists():
        return "backup"
    try:
        current = store.open_read_only(db_file)
        try:
            key, sequences = store.pseudonym_secret(current), store.sequences(current)
        finally:
            current.close()
    except sqlite3.Error:
        return "backup"  # the current file is damaged: the backup's key stands
    conn = sqlite3.connect(incoming, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        store.raise_sequences(conn, sequences)
        outcome = store.keep_pseudonym_secret(conn, key)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return outcome


# --- Subject access ------------------------------------------------------------------------------


def person_record(conn: sqlite3.Connection, *, person_id: int) -> dict:
    """Everything held about one person, nested as a reader would look for it."""
    episodes = []
    for episode in store.episode_rows(conn, person_id):
        eid = episode["id"]
        episode["triggers"] = [r["trigger"] for r in store.episode_records(conn, eid, "triggers")]
        for kind in (
            "conversations",
            "goals",
            "contacts",
            "signposts",
            "measures",
            "notes",
            "plans",
        ):
            episode[kind] = store.episode_records(conn, eid, kind)
        for conversation in episode["conversations"]:
            conversation["answers"] = store.conversation_answers(conn, conversation["id"])
        for goal in episode["goals"]:
            goal["reviews"] = store.goal_reviews(conn, goal["id"])
        for signpost in episode["signposts"]:
            signpost["outcomes"] = store.signpost_outcomes(conn, signpost["id"])
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
    if chosen.is_dir() and not chosen.is_symlink():
        return chosen / default
    if chosen.suffix.lower() in (".json", ".md"):
        chosen = chosen.with_suffix("")
    return chosen


@dataclass
class SubjectAccess:
    json_path: Path
    markdown_path: Path
    counts: dict[str, int]


def export_person(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    out: str | None,
    exported_on: date,
    db_file: Path,
    markdown: Callable[[dict], str],
    force: bool = False,
) -> SubjectAccess:
    """Write the person's records as JSON and as Markdown (`markdown` turns them into text; both
    files readable by the owner only)."""
    from connector_cli import files

    stem = export_stem(person_id, out)
    paths = [
        files.safe_target(stem.with_name(stem.name + ext), force=force, db_path=db_file)
        for ext in (".json", ".md")
    ]
    conn.execute("BEGIN")  # one read transaction: the export describes one moment
    try:
        held = person_record(conn, person_id=person_id)
    finally:
        conn.execute("COMMIT")
    held = {"exported_on": exported_on.isoformat(), **held}
    texts = [json.dumps(held, indent=2, ensure_ascii=False) + "\n", markdown(held)]
    written: list[Path] = []
    try:
        for path, text in zip(paths, texts, strict=True):
            files.write_text(path, text, force=force)
            written.append(path)
    except UserError:
        for path in written:
            if not force:
                path.unlink(missing_ok=True)
        raise
    with write(conn):
        record(conn, "subject-access-export", **held["counts"])
    return SubjectAccess(paths[0], paths[1], held["counts"])


# --- Erasure -------------------------------------------------------------------------------------


@dataclass
class Erasure:
    counts: dict[str, int]
    scrub_problem: str | None  # None: the file was rewritten; "busy"; or what went wrong
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
    problem = store.scrub_free_space(conn)
    return Erasure(counts, problem, store.text_mentions(conn, name))


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


def erase_episodes(
    conn: sqlite3.Connection, *, episodes: list[dict], older_than: int, today: date | None = None
) -> Erasure:
    """Erase these episodes, and each person left with no episode at all, the secure way. The
    episodes still due are read again inside the write transaction that deletes them: one
    reopened or edited since the list was shown is kept."""
    from connector_cli.dates import today as today_

    cutoff = retention_cutoff(today or today_(), older_than).isoformat()
    conn.execute("PRAGMA secure_delete = ON")
    with write(conn):
        still_due = {row["episode_id"] for row in store.closed_episodes_before(conn, cutoff)}
        episodes = [e for e in episodes if e["episode_id"] in still_due]
        episode_ids = [e["episode_id"] for e in episodes]
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
