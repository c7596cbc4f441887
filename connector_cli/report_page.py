"""Writing `report --html`: the published figures, as `report --json` gives them, as one page."""

from __future__ import annotations

import json
import os
from pathlib import Path

from connector_cli.errors import UserError


def page_labels() -> dict[str, str]:
    from connector_cli import codes
    from connector_cli.labels import SOURCE_GROUP_LABELS

    return {
        **SOURCE_GROUP_LABELS,
        **{c.slug: c.label for c in codes.TRIGGERS},
        **{f"gap-reason:{c.slug}": c.label for c in codes.GAP_REASONS},
    }


def write_new_file(path: Path, text: str, *, force: bool) -> Path:
    """Write text to a new file (0600 by the umask); an existing file only with force, and
    never through a symlink."""
    if path.is_symlink():
        raise UserError(f"{path} is a symbolic link; give the real file name.")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name such as report.html.")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; add --force to replace it.")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UserError(f"Cannot write {path}: {error.strerror}.") from None
    return path


def write_report_page(conn, published, path: Path, *, force: bool) -> Path:
    from connector_cli.export import scheme_title
    from connector_cli.render_reports import report_json
    from connector_cli.report_html import render_html
    from connector_cli.report_metrics import METRICS

    report = json.loads(report_json(published))
    descriptions = {m.name: m.description for m in METRICS}
    page = render_html(
        report, labels=page_labels(), scheme=scheme_title(conn), descriptions=descriptions
    )
    return write_new_file(path, page, force=force)
