"""Regression tests for issue 14: nothing a user types, kills or corrupts loses a record."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from conftest import ok, refused, rows, run, snapshot


def _seed(db_path: Path) -> None:
    ok("new-referral", "--name", "Ann Smith", "--referral-date", "2026-10-01")
    ok("directory", "add", "--name", "Lunch club", "--category", "third-sector/lunch-club")


# --- 1. Writers never overwrite the database, a backup, or through a link -------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_directory_export_never_writes_over_the_database(db_path, suffix):
    _seed(db_path)
    before = snapshot(db_path)
    target = Path(f"{db_path}{suffix}")
    result = refused("directory", "export", "--out", target, "--force")
    assert "database" in result.stderr
    assert snapshot(db_path) == before


def test_directory_export_refuses_an_existing_file_unless_forced(db_path, tmp_path):
    _seed(db_path)
    out = tmp_path / "dir.csv"
    out.write_text("keep me\n")
    refused("directory", "export", "--out", out, contains="--force")
    assert out.read_text() == "keep me\n"
    ok("directory", "export", "--out", out, "--force")
    assert "Lunch club" in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_writers_never_follow_a_symlink(db_path, tmp_path):
    _seed(db_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    refused("directory", "export", "--out", link, "--force", contains="symbolic link")
    (tmp_path / "p.json").symlink_to(victim)
    refused("person", "export", "1", "--out", tmp_path / "p", "--force", contains="symbolic")
    refused("backup", link, "--force", contains="symbolic link")
    assert victim.read_text() == "precious\n"


def test_no_writer_overwrites_a_backup(db_path, tmp_path):
    _seed(db_path)
    first = tmp_path / "b.db"
    ok("backup", first)
    saved = first.read_bytes()
    refused("backup", first, "--force", contains="database or a backup")
    refused("directory", "export", "--out", first, "--force", contains="database or a backup")
    assert first.read_bytes() == saved


def test_export_folder_refuses_links_to_the_database(db_path, tmp_path):
    _seed(db_path)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "summary.csv").symlink_to(db_path)
    before = db_path.read_bytes()
    refused("export", "--quarter", "2026Q4", "--out", folder, "--force", contains="symbolic")
    assert db_path.read_bytes() == before


def test_person_export_refuses_existing_unless_forced(db_path, tmp_path):
    _seed(db_path)
    stem = tmp_path / "sar"
    (tmp_path / "sar.md").write_text("old\n")
    refused("person", "export", "1", "--out", stem, contains="--force")
    assert not (tmp_path / "sar.json").exists()
    ok("person", "export", "1", "--out", stem, "--force")
    assert "Ann Smith" in (tmp_path / "sar.md").read_text()
