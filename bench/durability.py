"""The cost of synchronous=FULL: N `visit log` commands with FULL (what connector uses) and with
NORMAL, through the real CLI in one process, on a real disk.

    python bench/durability.py [N] [FOLDER]

Each command is one write transaction; FULL adds an fsync of the WAL at every commit.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from typer.testing import CliRunner  # noqa: E402

from connector_cli import store  # noqa: E402
from connector_cli.cli import app  # noqa: E402

_connect = store.connect


def _run(folder: Path, mode: str, count: int) -> list[float]:
    db = folder / f"{mode}.db"
    env = {"CONNECTOR_DB": str(db), "CONNECTOR_INTERACTIVE": "0"}

    def connect(path, **kw):
        conn = _connect(path, **kw)
        conn.execute(f"PRAGMA synchronous = {mode}")
        return conn

    store.connect = connect
    runner = CliRunner()
    runner.invoke(app, ["new-referral", "--name", "Bench Person"], env=env)
    runner.invoke(app, ["referral", "accept", "1"], env=env)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        result = runner.invoke(
            app, ["visit", "log", "1", "--kind", "telephone", "--minutes", "10"], env=env
        )
        times.append(time.perf_counter() - started)
        assert result.exit_code == 0, result.output
    store.connect = _connect
    return times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    base = Path(sys.argv[2]) if len(sys.argv) > 2 else Path.cwd()
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        for mode in ("NORMAL", "FULL", "NORMAL", "FULL"):
            times = _run(Path(tmp), mode, count)
            print(
                f"{mode:<6} {count} visit logs: total {sum(times):.2f} s, "
                f"median {statistics.median(times) * 1000:.1f} ms, "
                f"p95 {sorted(times)[int(0.95 * count)] * 1000:.1f} ms"
            )
            os.remove(Path(tmp) / f"{mode}.db")
            for suffix in ("-wal", "-shm"):
                Path(tmp, f"{mode}.db{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
