"""No lost writes: real `connector` processes writing at once, and killed half-way."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ok, rows

# A child process: import connector, wait for the start signal, then run `connector
# new-referral` COUNT times through the real entry point, printing each reported success.
WRITER = """
import os, sys, time
from connector_cli.cli import main
tag, count, start = sys.argv[1], int(sys.argv[2]), sys.argv[3]
while not os.path.exists(start):
    time.sleep(0.001)
for i in range(count):
    sys.argv = ["connector", "new-referral", "--name", f"{tag} {i}", "--referral-date",
                "2026-11-01", "--trigger", "bereaved", "--trigger", "health", "--age", "80",
                "--status", "accepted", "--no-input", "--json"]
    try:
        main()
    except SystemExit as done:
        if done.code not in (0, None):
            print(f"FAILED {i} {done.code}", flush=True)
    sys.stdout.flush()
"""


def writer(db: Path, tag: str, count: int, start: Path) -> subprocess.Popen:
    env = {**os.environ, "CONNECTOR_DB": str(db)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, tag, str(count), str(start)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def reported(lines: list[str]) -> list[int]:
    """The person numbers a writer printed: each line is printed only after its commit."""
    return [json.loads(line)["person_id"] for line in lines if line.startswith("{")]


def assert_healthy(db: Path) -> None:
    assert rows(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    # Each referral is one transaction (person, episode, triggers): all of it or none of it.
    assert rows(db, "SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM episodes)") == []
    assert rows(db, "SELECT count(*) AS n FROM episodes WHERE id NOT IN "
                    "(SELECT episode_id FROM episode_triggers)") == [{"n": 0}]  # fmt: skip


def test_two_processes_writing_at_once_both_succeed(db_path, tmp_path):
    start = tmp_path / "go"
    writers = [writer(db_path, tag, 50, start) for tag in ("Alpha", "Bravo")]
    start.touch()  # both begin together, on a database neither has created yet

    outputs = [w.communicate(timeout=120) for w in writers]

    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0 and "FAILED" not in out and err == "", err
        assert len(reported(out.splitlines())) == 50
    ids = {tag: [r["id"] for r in rows(db_path, "SELECT id FROM people WHERE name LIKE ?",
                                       [f"{tag} %"])] for tag in ("Alpha", "Bravo")}  # fmt: skip
    assert min(ids["Alpha"]) < max(ids["Bravo"]) and min(ids["Bravo"]) < max(ids["Alpha"])
    assert rows(db_path, "SELECT count(*) AS n FROM people") == [{"n": 100}]
    assert rows(db_path, "SELECT count(*) AS n FROM episodes") == [{"n": 100}]
    assert rows(db_path, "SELECT count(*) AS n FROM episode_triggers") == [{"n": 200}]
    assert_healthy(db_path)


def test_a_writer_killed_mid_batch_loses_nothing_it_reported(db_path, tmp_path):
    ok("people")  # create the database once; each trial then crashes into the same file
    rng = random.Random(7)
    promised: list[int] = []
    following = writer(db_path, "Trial0", 1000, tmp_path / "go-0")
    for trial in range(20):
        w = following  # already started and imported, waiting for its signal
        (tmp_path / f"go-{trial}").touch()
        following = writer(db_path, f"Trial{trial + 1}", 1000, tmp_path / f"go-{trial + 1}")
        lines = [w.stdout.readline() for _ in range(rng.randint(1, 6))]
        time.sleep(rng.uniform(0, 0.03))  # land anywhere: mid-transaction, mid-commit, idle
        w.send_signal(signal.SIGKILL)
        rest, _ = w.communicate(timeout=30)
        assert w.returncode == -signal.SIGKILL
        promised += reported(lines + rest.splitlines())

        assert_healthy(db_path)
        present = {r["id"] for r in rows(db_path, "SELECT id FROM people")}
        assert set(promised) <= present, f"trial {trial} lost {set(promised) - present}"

    following.kill()
    following.communicate()
    ok("new-referral", "--name", "After The Crashes", "--no-input")  # still takes writes
    assert len(promised) >= 20
