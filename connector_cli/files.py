"""Writing files a user names: one set of rules for every command that writes one.

Every writer (directory export, export, backup, person export, letters, spreadsheets...) asks
`safe_target` where it may write, then writes through `atomic_write`:

- an existing file is refused unless the user said `--force`;
- a symbolic link is never followed (nor replaced): it could point at anything;
- the database, its -wal/-shm/-journal files, any SQLite file (a backup) and the folder of
  backups are never written over, even with `--force`;
- the file appears whole or not at all: it is written beside the target and renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from connector_cli.errors import UserError

SQLITE_HEADER = b"SQLite format 3\x00"
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def os_sentence(error: OSError, path: Path | str, doing: str = "write") -> str:
    """An OSError about `path` as one plain sentence."""
    reason = {
        errno.ENAMETOOLONG: "the name is too long",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the disk is read-only",
        errno.ENOENT: "no such folder",
        errno.EISDIR: "it is a folder",
        errno.ENOTDIR: "part of the path is not a folder",
    }.get(error.errno or 0, (error.strerror or str(error)).lower())
    return f"Cannot {doing} {shown_path(path)}: {reason}; nothing was written."


def shown_path(path: Path | str) -> str:
    """A path as printable text: long names shortened, undecodable bytes shown as '?'."""
    text = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = "".join("?" if not ch.isprintable() else ch for ch in text)
    return text if len(text) <= 160 else text[:80] + "…" + text[-60:]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def protected(path: Path, db_path: Path | None) -> str | None:
    """Why `path` must never be written over, or None."""
    if db_path is not None:
        for suffix in DATABASE_SUFFIXES:
            part = Path(f"{db_path}{suffix}")
            same_name = os.path.abspath(path) == os.path.abspath(part)
            if same_name or _same_file(path, part):
                return "it is the database (or one of its files)"
    if path.is_file() and is_sqlite_file(path):
        return "it already exists and is a database or a backup"
    if path.name.endswith(DATABASE_SUFFIXES[1:]) and is_sqlite_file(
        Path(str(path).rsplit("-", 1)[0])
    ):
        return "it belongs to a database"
    return None


def safe_target(
    path: Path | str, *, force: bool, db_path: Path | None, flag: str = "--out"
) -> Path:
    """`path`, checked as a file a command may write; else a UserError saying why not."""
    path = Path(path).expanduser()
    try:
        if len(os.fsencode(path.name)) > 255:
            raise UserError(f"The file name given to {flag} is too long (over 255 bytes).")
        if path.is_symlink():
            raise UserError(f"{shown_path(path)} is a symbolic link; give the file's real name.")
        if path.is_dir():
            raise UserError(f"{shown_path(path)} is a folder; give a file name to {flag}.")
        if not path.parent.is_dir():
            raise UserError(
                f"Cannot write {shown_path(path)}: no folder {shown_path(path.parent)}; create it first."
            )
        why = protected(path, db_path)
        if why:
            raise UserError(f"Will not write over {shown_path(path)}: {why}.")
        if path.exists() and not force:
            raise UserError(
                f"{shown_path(path)} already exists; add --force to replace it, or give another name."
            )
    except (OSError, ValueError) as error:
        if isinstance(error, OSError):
            raise UserError(os_sentence(error, path)) from None
        raise UserError(f"{shown_path(path)} is not a usable file name.") from None
    return path


@contextlib.contextmanager
def atomic_write(
    path: Path, *, force: bool, mode: str = "w", encoding: str | None = "utf-8", newline=""
) -> Iterator[IO]:
    """Write `path` whole or not at all: into a private temporary file beside it, synced, then
    renamed over it (replacing an existing file only when `force`; never through a link).

    Call `safe_target` first; this re-checks only what could change in between.
    """
    if "b" in mode:
        encoding = newline = None
    temp = path.with_name(f".{path.name[:60]}.{os.getpid()}.partial")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, 0o600)
    except OSError as error:
        raise UserError(os_sentence(error, path)) from None
    try:
        try:
            with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            _move_into_place(temp, path, force=force)
        except OSError as error:
            raise UserError(os_sentence(error, path)) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _move_into_place(temp: Path, path: Path, *, force: bool) -> None:
    if path.is_symlink():
        raise UserError(f"{shown_path(path)} is a symbolic link; give the file's real name.")
    if force:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # fails if the name was taken meanwhile: never clobbers
    except FileExistsError:
        raise UserError(
            f"{shown_path(path)} already exists; add --force to replace it, or give another name."
        ) from None
    except OSError:
        if path.exists():
            raise
        os.replace(temp, path)  # a file system without hard links


def write_text(path: Path, text: str, *, force: bool, encoding: str = "utf-8") -> None:
    with atomic_write(path, force=force, encoding=encoding) as handle:
        handle.write(text)
