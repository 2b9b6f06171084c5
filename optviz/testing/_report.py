"""``--optviz-results=DIR``: an ``index.html`` with the failed checks' expected, actual and diff
side by side."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from optviz._io import write_atomic
from optviz.testing._settings import Record

_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 6px; vertical-align: top; }
img { max-width: 32vw; image-rendering: pixelated; }
pre { white-space: pre-wrap; max-width: 96vw; }
"""
ROLES = ("expected", "actual", "diff")


def write_index(results: Path, records: Sequence[Record]) -> Path:
    """Write ``results/index.html``: the session's failed, missing and illegible checks."""
    failed = [r for r in records if r.status in ("failed", "missing", "illegible")]
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>optviz image checks</title>',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>optviz image checks: {len(failed)} failed of {len(records)}</h1>",
    ]
    if failed:
        parts.append("<table><tr><th>test</th>" + "".join(f"<th>{r}</th>" for r in ROLES) + "</tr>")
        for record in failed:
            parts.append(_row(results, record))
        parts.append("</table>")
    parts.append("</body></html>\n")
    text = "\n".join(parts)
    results.mkdir(parents=True, exist_ok=True)
    return write_atomic(results / "index.html", lambda handle: handle.write(text.encode("utf-8")))


def _row(results: Path, record: Record) -> str:
    cells = [
        f"<td><b>{html.escape(record.nodeid)}</b><pre>{html.escape(record.message)}</pre></td>"
    ]
    for role in ROLES:
        path = record.files.get(role)
        if path is None:
            cells.append("<td>(none)</td>")
            continue
        href = html.escape(Path(os.path.relpath(path, results)).as_posix(), quote=True)
        cells.append(f'<td><a href="{href}"><img src="{href}" alt="{role}"></a></td>')
    return "<tr>" + "".join(cells) + "</tr>"
