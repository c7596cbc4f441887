"""Start-up speed: build only the command asked for; read plain values without pydantic.

Two costs Typer adds to every run, measured by bench/run.py (README, "Speed"):

- Typer turns every registered command into a click command before it parses anything: about
  30 ms for our forty-odd commands, when one run needs one of them.
- Typer 0.2x converts each parameter's value through a pydantic TypeAdapter, so any command
  with an option pays for importing pydantic (about 80 ms) even when it only reads a number.

Both are trimmed here without changing what any command does: `app_for` hands Typer only the
command named on the command line (the whole app otherwise), and `use_plain_values` reads
text, whole numbers, flags and paths with the standard library (paths through Typer's own
checks), leaving every other type, and any value that is not plainly valid, to Typer's own
converter: same results, same messages.
"""

from __future__ import annotations

import copy
import re
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import typer

HELP = ("--help", "-h")
ROOT_OPTIONS_WITH_VALUE = ("--db",)


def _command_name(args: list[str]) -> str | None:
    """The first word that is not a root option, or None if help comes first or none is given."""
    words = iter(args)
    for arg in words:
        if arg in HELP:
            return None
        if arg == "--":
            return next(words, None)
        if arg in ROOT_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not arg.startswith("-"):
            return arg
    return None


def app_for(app: typer.Typer, args: list[str]) -> typer.Typer:
    """`app` with just the command (or group) named in `args`; for the root help, the groups
    without their sub-commands (the root help lists only the groups' own lines)."""
    name = _command_name(args)
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    trimmed = copy.copy(app)
    if name is None:
        trimmed.registered_groups = [_without_commands(group) for group in app.registered_groups]
    elif commands or groups:
        trimmed.registered_commands, trimmed.registered_groups = commands, groups
    else:
        return app  # an unknown command: Typer's own message, with the whole list to choose from
    return trimmed


def _without_commands(group):
    emptied = copy.copy(group.typer_instance)
    emptied.registered_commands, emptied.registered_groups = [], []
    group = copy.copy(group)
    group.typer_instance = emptied
    return group


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}\Z")


def _optional(annotation: Any) -> Any:
    """X for `X | None` (an option that may be left out); the annotation itself otherwise."""
    if isinstance(annotation, types.UnionType) or get_origin(annotation) is Union:
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return annotation


def _plain(annotation: Any) -> type | None:
    """str, int, bool or Path (or a list of them, or any of these or None): the types read
    here; None for anything else."""
    annotation = _optional(annotation)
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation) or (None,)
    return annotation if annotation in (str, int, bool, Path) else None


def _in_range(value: int, info) -> bool:
    """Within the option's min/max (Typer reports a value outside them itself)."""
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or value >= low) and (high is None or value <= high)


def _read(kind: type, value: Any) -> tuple[bool, Any]:
    """(True, value) when `value` is plainly a `kind`, exactly as Typer would read it."""
    if kind is str and isinstance(value, str):
        return True, value
    if kind is int and isinstance(value, str) and _WHOLE_NUMBER.match(value):
        return True, int(value)
    if kind in (int, bool) and type(value) is kind:
        return True, value
    return False, None


def _plain_path(value: Any) -> bool:
    """Text that is a path as written: Path() would not rewrite it ('', './x', 'a//b', 'x/'
    are checked as rewritten but quoted as typed) and holds no NUL byte (which os.stat refuses).
    Anything else goes to Typer's converter, which handles and words it."""
    return isinstance(value, str) and "\x00" not in value and str(Path(value)) == value


def use_plain_values() -> None:
    """Install the plain reader on Typer's parameters (does nothing on a Typer without them)."""
    try:
        from typer import core
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_path
    except ImportError:
        return
    parameter = getattr(core, "_TyperParameter", None)
    if parameter is None or getattr(parameter, "_plain_values", False):
        return
    typers_own = parameter.get_runtime_param

    class PlainValues(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            kind = _plain(self.annotation)
            annotation = _optional(self.annotation)
            if value is None and annotation is not self.annotation:
                return None  # an optional value left out
            if kind is Path and _plain_path(value):
                # Typer's own path checks (exists, readable...) without its pydantic adapter,
                # which only makes Path(text): on plain text the checks read the same file
                # either way and the messages quote the text as typed
                checked = coerce_cli_path(
                    value, self.parameter_info, path_type=None, param=param, ctx=ctx
                )
                return Path(checked)
            if get_origin(annotation) is list and isinstance(value, list | tuple):
                read = [_read(kind, item) for item in value]
                if all(ok for ok, _ in read):
                    return [item for _, item in read]
            elif get_origin(annotation) is not list:
                ok, read_value = _read(kind, value)
                if ok and (kind is not int or _in_range(read_value, self.parameter_info)):
                    return read_value
            param._runtime_param = build_runtime_param(param.type_descriptor)
            return param._runtime_param._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self):
        if getattr(self, "_runtime_param", None) is None and _is_plain(self):
            self._runtime_param = PlainValues(
                parameter_info=self.type_descriptor.parameter_info,
                annotation=self.type_descriptor.annotation,
            )
        return typers_own(self)

    parameter.get_runtime_param = get_runtime_param
    parameter._plain_values = True


def _is_plain(param) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or _plain(descriptor.annotation) is None:
        return False
    info = descriptor.parameter_info
    return (
        descriptor.file_annotation is None
        and getattr(info, "parser", None) is None
        and getattr(info, "click_type", None) is None
        and not getattr(info, "clamp", False)
        and (
            _plain(descriptor.annotation) is not Path
            or (
                getattr(info, "path_type", None) in (None, Path)
                and not getattr(info, "allow_dash", False)  # "-" is read differently
            )
        )
    )
