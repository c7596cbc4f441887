"""The README is the manual: its set-up commands, its walk-through and its command list must
stay true."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import run

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
TEST_COMMAND = 'pip install -e ".[test]" && python -m pytest'


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _commands(text: str) -> list[list[str]]:
    """The `connector ...` lines of the sh blocks in `text`, comments dropped, continuations joined."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "connector":
                found.append(words[1:])
    return found


def test_set_up_commands():
    setup = _section("Set up on a fresh machine")
    assert "pip install . && connector --db demo.db demo" in setup
    assert TEST_COMMAND in setup
    ci = (ROOT / ".ci" / "run").read_text()
    assert TEST_COMMAND in ci  # CI runs exactly the README's test command


def test_a_connectors_week_runs_as_written(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = _commands(_section("A connector's week"))
    assert len(commands) >= 15
    for args in commands:
        result = run(*args)
        # `check` exits 1 when it finds gaps: that is its job, not a failure.
        allowed = (0, 1) if args[0] == "check" else (0,)
        assert result.exit_code in allowed, (args, result)
    assert (tmp_path / "q4-figures" / "summary.csv").exists()


def _all_command_paths() -> list[str]:
    from connector_cli.cli import app

    paths = [c.name for c in app.registered_commands]
    for group in app.registered_groups:
        paths += [f"{group.name} {c.name}" for c in group.typer_instance.registered_commands]
    return paths


@pytest.mark.parametrize("path", _all_command_paths())
def test_every_command_has_an_example_in_the_readme(path):
    assert re.search(rf"connector (--db \S+ )?{path}\b", README), path


def _flag_errors(text: str) -> list[tuple[str, str]]:
    """Every `connector ...` line in the sh blocks of `text` whose command does not exist or
    that uses a --flag its command does not have (checked without running anything)."""
    import typer

    from connector_cli.cli import app

    root = typer.main.get_command(app)
    global_flags = {o for p in root.params for o in p.opts}
    errors = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "connector":
                continue
            command, rest = root, words[1:]
            if rest[:1] == ["--db"]:
                rest = rest[2:]
            while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
                found = command.commands.get(rest[0])
                if found is None:
                    errors.append((line.strip(), f"no command {rest[0]}"))
                    break
                command, rest = found, rest[1:]
            flags = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
            for word in rest:
                flag = word.split("=", 1)[0]
                if flag.startswith("--") and flag not in flags | global_flags:
                    errors.append((line.strip(), f"no flag {flag}"))
    return errors


def test_every_flag_in_the_readme_exists():
    assert _flag_errors("```sh\nconnector close Bob --reasn x\nconnector nosuch\n```\n") == [
        ("connector close Bob --reasn x", "no flag --reasn"),
        ("connector nosuch", "no command nosuch"),
    ]
    assert _flag_errors(README) == []


def test_new_referral_help_lists_every_source_code(monkeypatch):
    from connector_cli import codes

    monkeypatch.setenv("COLUMNS", "200")
    shown = " ".join(run("new-referral", "--help").stdout.split())
    assert all(f"{c.slug}," in shown or f"{c.slug}." in shown for c in codes.SOURCES)
