"""Writing `report --html`: the published figures, as `report --json` gives them, as one page."""

from __future__ import annotations

import json
from pathlib import Path


def page_labels() -> dict[str, str]:
    from connector_cli import codes
    from connector_cli.labels import SOURCE_GROUP_LABELS

    return {
        **SOURCE_GROUP_LABELS,
        **{c.slug: c.label for c in codes.TRIGGERS},
        **{f"gap-reason:{c.slug}": c.label for c in codes.GAP_REASONS},
    }


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
    from connector_cli.files import safe_target, write_text
    from connector_cli.session import db_path

    target = safe_target(path, force=force, db_path=db_path(), flag="--html")
    write_text(target, page, force=force)
    return target
