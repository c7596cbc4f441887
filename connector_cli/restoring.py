"""The copy a restore prepares beside the database, and what restores that were killed left
behind. Apart from privacy.py (backups and restores) because every command that opens the
database removes such leftovers first: this is all it needs of them."""

from __future__ import annotations

import os
from pathlib import Path


def incoming_name(db_file: Path) -> Path:
    """Where a restore prepares its copy: hidden, beside the database, marked with our pid."""
    return db_file.with_name(f".{db_file.name}.restoring-{os.getpid()}")


def restore_leftovers(db_file: Path) -> list[Path]:
    """Partial copies left by restores that were killed (their process is gone)."""
    found = []
    try:
        candidates = list(db_file.parent.glob(f".{_glob(db_file.name)}.restoring-*"))
    except OSError:
        return []
    for path in candidates:
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            found.append(path)
    return found


def _glob(name: str) -> str:
    import glob

    return glob.escape(name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # no safe liveness probe here: treat an hour-old copy as abandoned
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_restore_leftovers(db_file: Path) -> list[Path]:
    """Delete what killed restores left (full copies of a backup: personal data)."""
    removed = []
    for path in restore_leftovers(db_file):
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.unlink(missing_ok=True)
                removed.append(part)
    return removed
